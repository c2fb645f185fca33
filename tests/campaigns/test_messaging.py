"""Message rendering, channels, reminder TTL and how convocations follow their appointments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sil.appointments.actions import do_cancel, do_confirm, do_move
from sil.appointments.models import Slot
from sil.campaigns.launch import do_launch_campaign
from sil.campaigns.messaging import Composer, Templates, channels_for, render
from sil.campaigns.models import Convocation, ConvocationEvent, ConvocationState, MessageTemplate
from sil.notifications.models import MessageStatus, OutboxMessage
from tests.appointments.factories import AppointmentFactory, SlotFactory
from tests.campaigns.reception_world import make_world

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def test_render_fills_known_placeholders_and_leaves_other_braces():
    text = render("Ciao {nome} {cognome}: {ignoto} {data}", {"nome": "Ada", "data": "1/1"})
    assert text == "Ciao Ada : {ignoto} 1/1"


@pytest.fixture
def world():
    return make_world(people=2)


def _launched(world):
    do_launch_campaign(world["campaign"], by=world["regional"])
    return list(
        Convocation.objects.filter(campaign=world["campaign"])
        .select_related("person", "appointment", "campaign")
        .order_by("id")
    )


def test_channels_follow_the_contacts(world):
    campaign = world["campaign"]
    convocation = world["convocations"][0]
    assert [c for c, _ in channels_for(campaign, convocation)] == ["sms", "email", "appio"]
    convocation.email = ""
    convocation.person.email = ""
    assert [c for c, _ in channels_for(campaign, convocation)] == ["sms", "appio"]


def test_templates_english_only_when_asked_and_default_when_missing(world):
    campaign = world["campaign"]
    MessageTemplate.objects.create(
        campaign=campaign, step="invitation", channel="sms", language="en", body="Hi {nome}"
    )
    assert Templates(campaign, "en").get("invitation", "sms") == ("", "Hi {nome}")
    assert Templates(campaign).get("invitation", "sms")[1].startswith("Gentile {nome}")
    MessageTemplate.objects.filter(campaign=campaign, step="moved", channel="sms").delete()
    # The default text of the campaign app stands in for a missing template.
    assert "{data}" in Templates(campaign).get("moved", "sms")[1]


def test_reminders_already_due_are_skipped_and_expire_with_the_appointment(world):
    (convocation, _other) = _launched(world)
    appointment = convocation.appointment
    day = appointment.starts_at.astimezone(ROME).date()
    # Two days before at noon: the 3-day reminder is past, the 1-day one still ahead.
    now = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(12), tzinfo=ROME)
    composer = Composer(world["campaign"], Templates(world["campaign"]), now)

    specs = composer.reminders(convocation, appointment, composer.context(convocation, appointment))

    assert {s.step for s in specs} == {f"reminder-1d-a{appointment.pk}"}
    assert all(s.not_after == appointment.starts_at for s in specs)
    # Once the appointment has passed, nothing at all.
    late = Composer(world["campaign"], Templates(world["campaign"]), appointment.starts_at)
    context = late.context(convocation, appointment)
    assert late.reminders(convocation, appointment, context) == []
    assert late.invitation(convocation, appointment, context) == []


def test_confirmation_through_the_link_confirms_the_convocation(world):
    convocation, _other = _launched(world)

    do_confirm(convocation.appointment, by_citizen=True)

    convocation.refresh_from_db()
    assert convocation.state == ConvocationState.CONFIRMED
    assert ConvocationEvent.objects.filter(convocation=convocation, kind="confirmed").exists()


def _free_slot(convocation):
    return (
        Slot.objects.free()
        .filter(office_id=convocation.office_id, starts_at__gt=convocation.appointment.starts_at)
        .order_by("-starts_at")
        .first()
    )


def test_a_move_cancels_old_reminders_and_queues_new_ones(world):
    convocation, _other = _launched(world)
    old = convocation.appointment
    topic = world["campaign"].topic

    new = do_move(old, _free_slot(convocation), by_citizen=True)

    convocation.refresh_from_db()
    assert convocation.state == ConvocationState.RESCHEDULED
    assert convocation.appointment_id == new.pk
    mine = OutboxMessage.objects.filter(topic=topic, person_id=convocation.person_id)
    old_reminders = mine.filter(step__endswith=f"-a{old.pk}", step__startswith="reminder-")
    assert old_reminders.count() == 6
    assert set(old_reminders.values_list("status", flat=True)) == {MessageStatus.CANCELLED}
    new_reminders = mine.filter(step__startswith="reminder-", step__endswith=f"-a{new.pk}")
    assert new_reminders.count() == 6
    assert set(new_reminders.values_list("status", flat=True)) == {MessageStatus.PENDING}
    assert set(new_reminders.values_list("not_after", flat=True)) == {new.starts_at}
    moved = mine.filter(step=f"moved-a{new.pk}")
    assert moved.count() == 3
    local = new.starts_at.astimezone(ROME)
    assert local.strftime("%H:%M") in moved.get(channel="sms").body
    # The invitation already sent stays as it was.
    assert mine.get(step="invitation-1", channel="sms").status == MessageStatus.PENDING


def test_citizen_cannot_come_goes_back_to_the_operator_without_a_message(world):
    convocation, _other = _launched(world)
    appointment = convocation.appointment

    do_cancel(appointment, reason="Lavoro quel giorno", by_citizen=True)

    convocation.refresh_from_db()
    assert convocation.state == ConvocationState.ASSIGNED
    assert convocation.appointment_id is None
    assert ConvocationEvent.objects.filter(convocation=convocation, kind="cannot_come").exists()
    mine = OutboxMessage.objects.filter(person_id=convocation.person_id)
    assert not mine.filter(step__startswith="cancelled-").exists()
    assert not mine.filter(step__startswith="reminder-", status=MessageStatus.PENDING).exists()


def test_office_cancellation_tells_the_person(world):
    convocation, _other = _launched(world)
    appointment = convocation.appointment

    do_cancel(appointment, reason="Chiusura straordinaria", by=world["operator"])

    convocation.refresh_from_db()
    assert convocation.state == ConvocationState.ASSIGNED
    cancelled = OutboxMessage.objects.filter(
        person_id=convocation.person_id, step=f"cancelled-a{appointment.pk}"
    )
    assert cancelled.count() == 3
    assert all(m.send_after <= timezone.now() for m in cancelled)


def test_appointments_of_other_topics_are_ignored(world):
    convocation, _other = _launched(world)
    other = AppointmentFactory(
        slot=SlotFactory(starts_at=timezone.now() + dt.timedelta(days=40)),
        person=convocation.person,
        topic="",
    )

    do_confirm(other)

    convocation.refresh_from_db()
    assert convocation.state == ConvocationState.INVITED


def test_the_ics_attachment_is_valid_icalendar_with_folded_lines(world):
    import icalendar

    from sil.campaigns.messaging import appointment_ics

    (convocation, _other) = _launched(world)
    appointment = convocation.appointment
    appointment.office.name = "Centro per l'Impiego di Castellammare di Stabia, sede distaccata"
    appointment.purpose = "Colloquio; firma del Patto, con documento"

    raw = appointment_ics(appointment)

    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.starts_at
    assert event.decoded("dtend") == appointment.ends_at
    assert str(event["uid"]) == f"appointment-{appointment.pk}@opensil"
    assert "Castellammare di Stabia, sede distaccata" in str(event["summary"])
    assert str(event["description"]).startswith("Colloquio; firma del Patto, con documento\n")
