"""Outcomes that say the person came or did not come wait for the appointment's time: an
appointment three days ahead takes no check-in and no presence or absence outcome, through the
action, the API or the pages, so no sanction is ever dated in the future. Times are explicit,
relative to now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sil.appointments.models import AppointmentStatus
from sil.campaigns.models import ConvocationState, Outcome, SanctionEvent
from sil.campaigns.outcomes import OutcomeError, do_record_outcome
from tests.campaigns.reception_world import give_appointment, make_world

pytestmark = pytest.mark.django_db

AHEAD = dt.timedelta(days=3)


@pytest.fixture
def world():
    return make_world(people=2)


def _nothing_recorded(convocation, status=AppointmentStatus.BOOKED):
    convocation.refresh_from_db()
    assert convocation.state == ConvocationState.INVITED and not convocation.outcome
    assert convocation.appointment.status == status
    assert not SanctionEvent.objects.exists()


@pytest.mark.parametrize("code", [Outcome.PRES_NOPSP, Outcome.ASS_INGIUST, Outcome.PRES_AGG])
def test_action_refuses_presence_and_absence_ahead_even_after_a_check_in(world, code):
    # Checked in three days ahead, as the old check-in allowed: the outcome still waits.
    convocation = world["convocations"][0]
    give_appointment(convocation, starts_at=timezone.now() + AHEAD, status="checked_in")

    with pytest.raises(OutcomeError) as error:
        do_record_outcome(convocation, code, by=world["operator"])

    assert error.value.code == "not_yet"
    assert "si registra" in " ".join(error.value.messages)
    _nothing_recorded(convocation, AppointmentStatus.CHECKED_IN)


def test_check_in_and_outcome_pages_refuse_and_do_not_offer_it(client, world):
    convocation = world["convocations"][0]
    give_appointment(convocation, starts_at=timezone.now() + AHEAD)
    client.force_login(world["operator"])

    checked = client.post(
        reverse("campaigns:reception_check_in", args=[convocation.pk]), follow=True
    )
    assert "la presenza si registra" in checked.content.decode()
    url = reverse("campaigns:reception_outcome", args=[convocation.pk])
    page = client.get(url).content.decode()
    assert f'value="{Outcome.ESONERO}"' in page
    for code in (Outcome.PRES_PSP, Outcome.PRES_NOPSP, Outcome.ASS_INGIUST, Outcome.ASS_GIUST):
        assert f'value="{code}"' not in page
    refused = client.post(url, {"outcome": Outcome.PRES_NOPSP, "note": "Non firma"})

    assert refused.status_code == 200
    assert "la presenza si registra" in refused.content.decode()
    _nothing_recorded(convocation)


def test_api_refuses_the_outcome_ahead(client, world):
    convocation = world["convocations"][0]
    give_appointment(convocation, starts_at=timezone.now() + AHEAD, status="checked_in")
    client.force_login(world["operator"])

    posted = client.post(
        f"/api/v1/campaign-reception/{convocation.pk}/outcome/",
        {"outcome": Outcome.PRES_NOPSP, "note": "Non firma"},
        content_type="application/json",
    )

    assert posted.status_code == 400
    assert "la presenza si registra" in str(posted.json())
    _nothing_recorded(convocation, AppointmentStatus.CHECKED_IN)


def test_once_the_time_has_come_the_same_outcome_is_recorded(world):
    convocation = world["convocations"][1]
    appointment = give_appointment(convocation, starts_at=timezone.now() - dt.timedelta(hours=1))

    do_record_outcome(convocation, Outcome.PRES_NOPSP, by=world["operator"])

    event = SanctionEvent.objects.get(convocation=convocation)
    assert event.occurred_on == timezone.localdate(appointment.starts_at) <= timezone.localdate()
