"""The citizen's link of a convocation offers, and accepts, only what scheduling would give:
a free slot of the same CPI inside the campaign's window (never after its legal deadline) and
under its per-day capacity. Slots are made at explicit times around the campaign's own dates."""

from __future__ import annotations

import datetime as dt

import pytest

from sil.appointments import links
from sil.appointments.models import Appointment, AppointmentStatus, Slot
from sil.campaigns.models import OfficeCapacity
from tests.appointments.factories import SlotFactory, local
from tests.campaigns.reception_world import give_appointment, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    data = make_world(people=2)
    # Only the slots below are free, whatever working days the calendar gave the week.
    Slot.objects.filter(office=data["office"]).update(is_blocked=True)
    convocation = data["convocations"][0]
    data["appointment"] = give_appointment(convocation, starts_at=local(data["monday"], 14))
    calendar = data["calendars"][0]
    deadline = data["campaign"].deadline
    data["inside"] = SlotFactory(
        calendar=calendar, starts_at=local(data["monday"] + dt.timedelta(days=1), 15)
    )
    data["late"] = SlotFactory(
        calendar=calendar, starts_at=local(deadline + dt.timedelta(days=3), 15)
    )
    data["elsewhere"] = SlotFactory(starts_at=local(data["monday"] + dt.timedelta(days=1), 15))
    return data


def _unchanged(appointment: Appointment) -> None:
    version = appointment.link_version
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.moved_to_id is None and appointment.link_version == version
    assert Appointment.objects.filter(person=appointment.person).count() == 1


def test_page_offers_only_slots_before_the_deadline(client, world):
    page = client.get(links.citizen_url(world["appointment"])).content.decode()
    assert f'value="{world["inside"].pk}"' in page
    assert f'value="{world["late"].pk}"' not in page
    assert f'value="{world["elsewhere"].pk}"' not in page


@pytest.mark.parametrize(
    ("slot", "wording"),
    [("late", "non è tra quelli disponibili"), ("elsewhere", "stesso ufficio")],
)
def test_post_of_a_slot_the_page_does_not_offer_is_refused(client, world, slot, wording):
    appointment = world["appointment"]
    response = client.post(
        links.citizen_url(appointment), {"azione": "sposta", "slot": world[slot].pk}
    )
    assert response.status_code == 200
    assert wording in response.content.decode()
    _unchanged(appointment)


def test_a_day_at_the_campaigns_capacity_is_neither_offered_nor_accepted(client, world):
    day = world["monday"] + dt.timedelta(days=1)
    OfficeCapacity.objects.filter(campaign=world["campaign"], office=world["office"]).update(
        per_day=1
    )
    give_appointment(world["convocations"][1], starts_at=local(day, 16))
    appointment = world["appointment"]
    url = links.citizen_url(appointment)
    assert f'value="{world["inside"].pk}"' not in client.get(url).content.decode()
    response = client.post(url, {"azione": "sposta", "slot": world["inside"].pk})
    assert "non è tra quelli disponibili" in response.content.decode()
    _unchanged(appointment)


def test_a_slot_inside_the_window_is_accepted(client, world):
    appointment = world["appointment"]
    response = client.post(
        links.citizen_url(appointment), {"azione": "sposta", "slot": world["inside"].pk}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.moved_to.slot == world["inside"]
