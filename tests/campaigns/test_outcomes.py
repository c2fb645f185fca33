"""Every outcome rule of SPEC section 6: Patto, rescheduling, sanctions, closing, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sil.appointments.models import AppointmentStatus
from sil.campaigns.models import (
    ConvocationEvent,
    ConvocationState,
    Outcome,
    SanctionEvent,
)
from sil.campaigns.outcomes import OutcomeError, do_record_outcome
from sil.notifications.models import MessageStatus, OutboxMessage
from sil.people.timeline import timeline
from sil.services.models import ServicePact
from sil.services.signals import pact_signed
from tests.campaigns.reception_world import give_appointment, make_world, sign_pact

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world(people=2)


@pytest.fixture
def seen(world):
    """A convocation whose appointment began an hour ago (the person is at the desk)."""
    convocation = world["convocations"][0]
    give_appointment(convocation, starts_at=timezone.now() - dt.timedelta(hours=1))
    return convocation


def _codes(convocation):
    return [e.data.get("outcome") for e in convocation.events.filter(kind="outcome")]


def test_present_with_pact_needs_a_signed_pact(world, seen):
    with pytest.raises(OutcomeError) as error:
        do_record_outcome(seen, Outcome.PRES_PSP, by=world["operator"])
    assert error.value.code == "pact_required"

    sign_pact(seen)
    do_record_outcome(seen, Outcome.PRES_PSP, by=world["operator"], note="Tutto chiaro")

    seen.refresh_from_db()
    assert seen.state == ConvocationState.CLOSED
    assert seen.outcome == Outcome.PRES_PSP
    assert seen.outcome_by == world["operator"]
    assert seen.outcome_note == "Tutto chiaro"
    assert seen.appointment.status == AppointmentStatus.DONE
    assert not SanctionEvent.objects.exists()


def test_a_pact_signed_for_the_campaign_records_the_outcome_by_itself(world, seen):
    pact = sign_pact(seen)

    pact_signed.send(sender=ServicePact, pact=pact)

    seen.refresh_from_db()
    assert seen.outcome == Outcome.PRES_PSP
    assert _codes(seen) == [Outcome.PRES_PSP]


def test_a_second_pact_is_an_update(world, seen):
    sign_pact(seen, topic="")  # an older one, before the campaign
    ServicePact.objects.update(state="superseded")
    pact = sign_pact(seen)

    pact_signed.send(sender=ServicePact, pact=pact)

    seen.refresh_from_db()
    assert seen.outcome == Outcome.PRES_AGG


def test_justified_absence_books_again_and_invites_with_the_next_attempt(world, seen):
    missed = seen.appointment

    do_record_outcome(seen, Outcome.ASS_GIUST, by=world["operator"], note="Certificato medico")

    seen.refresh_from_db()
    missed.refresh_from_db()
    assert missed.status == AppointmentStatus.MISSED
    assert seen.state == ConvocationState.INVITED
    assert seen.attempt == 2
    assert seen.outcome == ""
    assert seen.appointment_id and seen.appointment_id != missed.pk
    invitations = OutboxMessage.objects.filter(person_id=seen.person_id, step="invitation-2")
    assert set(invitations.values_list("channel", flat=True)) == {"sms", "email", "appio"}
    assert _codes(seen) == [Outcome.ASS_GIUST]
    assert not SanctionEvent.objects.exists()


def test_justified_absence_without_free_slots_waits_for_the_operator(world, seen):
    from sil.appointments.models import Slot

    Slot.objects.filter(office=seen.office).update(is_blocked=True)

    do_record_outcome(seen, Outcome.ASS_GIUST, by=world["operator"], note="Ricoverato")

    seen.refresh_from_db()
    assert seen.state == ConvocationState.ASSIGNED
    assert seen.appointment_id is None
    assert seen.attempt == 2


@pytest.mark.parametrize("code", [Outcome.ASS_INGIUST, Outcome.PRES_NOPSP])
def test_sanctionable_outcomes_produce_a_sanction_event(world, seen, code):
    do_record_outcome(seen, code, by=world["operator"])

    seen.refresh_from_db()
    event = SanctionEvent.objects.get()
    assert (event.convocation, event.person, event.code) == (seen, seen.person, code)
    assert event.programme == world["campaign"].programme
    assert event.occurred_on == timezone.localdate(seen.appointment.starts_at)
    assert event.exported_at is None
    expected = AppointmentStatus.MISSED if code == Outcome.ASS_INGIUST else AppointmentStatus.DONE
    assert seen.appointment.status == expected


def test_absence_cannot_be_recorded_before_the_appointment(world):
    convocation = world["convocations"][1]
    give_appointment(convocation, starts_at=timezone.now() + dt.timedelta(days=2))

    with pytest.raises(OutcomeError) as error:
        do_record_outcome(convocation, Outcome.ASS_INGIUST, by=world["operator"])

    assert error.value.code == "not_yet"
    assert not SanctionEvent.objects.exists()


def test_exemption_before_the_appointment_frees_the_slot_and_stops_reminders(world):
    from sil.campaigns.launch import do_launch_campaign

    do_launch_campaign(world["campaign"], by=world["regional"])
    convocation = world["convocations"][0]
    convocation.refresh_from_db()
    appointment = convocation.appointment

    do_record_outcome(convocation, Outcome.ESONERO, by=world["operator"], note="Caregiver")

    convocation.refresh_from_db()
    appointment.refresh_from_db()
    assert convocation.state == ConvocationState.CLOSED
    assert convocation.appointment_id == appointment.pk
    assert appointment.status == AppointmentStatus.CANCELLED
    mine = OutboxMessage.objects.filter(person_id=convocation.person_id)
    assert not mine.filter(step__startswith="reminder-", status=MessageStatus.PENDING).exists()
    # Closed by an outcome: no "appointment cancelled, we will call you" message.
    assert not mine.filter(step__startswith="cancelled-").exists()


@pytest.mark.parametrize("code", [Outcome.NON_RECAP, Outcome.OCCUPATO, Outcome.TRASF])
def test_other_outcomes_close_the_convocation(world, seen, code):
    do_record_outcome(seen, code, by=world["operator"], note="x")

    seen.refresh_from_db()
    assert (seen.state, seen.outcome) == (ConvocationState.CLOSED, code)
    assert seen.appointment.status == AppointmentStatus.MISSED
    assert not SanctionEvent.objects.exists()


def test_an_outcome_is_recorded_once(world, seen):
    do_record_outcome(seen, Outcome.NON_RECAP, by=world["operator"])

    with pytest.raises(OutcomeError) as error:
        do_record_outcome(seen, Outcome.ASS_INGIUST, by=world["operator"])

    assert error.value.code == "already_closed"
    assert not SanctionEvent.objects.exists()


def test_operators_record_outcomes_only_for_their_own_office(world, seen):
    with pytest.raises(OutcomeError) as error:
        do_record_outcome(seen, Outcome.ASS_INGIUST, by=world["other_operator"])

    assert error.value.code == "out_of_scope"
    seen.refresh_from_db()
    assert seen.state == ConvocationState.INVITED
    # The Region may.
    do_record_outcome(seen, Outcome.ASS_INGIUST, by=world["regional"])


def test_the_outcome_enters_the_persons_timeline(world, seen):
    do_record_outcome(seen, Outcome.OCCUPATO, by=world["operator"], note="Assunto il 1/11")

    titles = [(e.kind, e.title, e.detail) for e in timeline(seen.person)]

    assert any(
        kind == "convocation_outcome" and "Già occupato" in title and detail == "Assunto il 1/11"
        for kind, title, detail in titles
    )
    assert ConvocationEvent.objects.filter(convocation=seen, kind="outcome").count() == 1
