"""Operator screens: index, week view, templates and mass slot creation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sil.appointments.models import Slot, SlotTemplate
from tests.appointments.factories import (
    AppointmentFactory,
    CalendarFactory,
    SlotFactory,
    local,
    next_weekday,
)
from tests.factories import two_cpi_world

pytestmark = pytest.mark.django_db


def test_index_lists_own_offices_and_own_feed(client):
    world = two_cpi_world()
    mine = CalendarFactory(office=world["cpi_a"], operator=world["operator_a"])
    CalendarFactory(office=world["cpi_b"])
    client.force_login(world["operator_a"])
    page = client.get(reverse("appointments:index")).content.decode()
    assert "CPI A" in page and "CPI B" not in page
    assert mine.feed_token in page


def test_week_counts_booked_over_total(client, django_assert_max_num_queries):
    world = two_cpi_world()
    calendar = CalendarFactory(office=world["cpi_a"], name="Sportello 1")
    day = next_weekday(0)
    booked = SlotFactory(calendar=calendar, starts_at=local(day, 9))
    SlotFactory(calendar=calendar, starts_at=local(day, 10))
    AppointmentFactory(slot=booked)
    client.force_login(world["operator_a"])
    url = reverse("appointments:week", kwargs={"office": world["cpi_a"].code})
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(f"{url}?da={day.isoformat()}")
    assert "1 / 2" in response.content.decode()
    other = reverse("appointments:week", kwargs={"office": world["cpi_b"].code})
    assert client.get(other).status_code == 404


def test_add_template_then_create_slots(client):
    world = two_cpi_world()
    calendar = CalendarFactory(office=world["cpi_a"])
    client.force_login(world["operator_a"])
    url = reverse("appointments:slots", kwargs={"office": world["cpi_a"].code})
    bad = client.post(
        url,
        {
            "tpl-calendar": calendar.pk,
            "tpl-weekday": 2,
            "tpl-starts": "12:00",
            "tpl-ends": "09:00",
            "tpl-minutes": 30,
            "tpl-mode": "in_person",
        },
    )
    assert "Il modulo contiene errori" in bad.content.decode()
    client.post(
        url,
        {
            "tpl-calendar": calendar.pk,
            "tpl-weekday": 2,
            "tpl-starts": "09:00",
            "tpl-ends": "10:00",
            "tpl-minutes": 30,
            "tpl-mode": "in_person",
        },
    )
    assert SlotTemplate.objects.filter(calendar=calendar).count() == 1
    response = client.post(
        url, {"slots-date_from": "2026-12-01", "slots-date_to": "2026-12-31"}, follow=True
    )
    assert Slot.objects.filter(calendar=calendar).count() == 10
    assert "Slot creati: 10" in response.content.decode()
    assert Slot.objects.filter(starts_at__date=dt.date(2026, 12, 9)).count() == 2


def test_appointment_page_moves_cancels_and_offers_the_ics(client):
    world = two_cpi_world()
    calendar = CalendarFactory(office=world["cpi_a"])
    day = next_weekday(1)
    appointment = AppointmentFactory(
        slot=SlotFactory(calendar=calendar, starts_at=local(day, 9)), person=world["a"]
    )
    free = SlotFactory(calendar=calendar, starts_at=local(day, 11))
    client.force_login(world["operator_a"])
    url = reverse("appointments:appointment", args=[appointment.pk])
    page = client.get(url).content.decode()
    assert "fissato" in page and f'value="{free.pk}"' in page
    response = client.post(url, {"azione": "sposta", "slot": free.pk})
    appointment.refresh_from_db()
    assert response.url == reverse("appointments:appointment", args=[appointment.moved_to_id])
    new_url = response.url
    assert "Indica il motivo" in client.post(new_url, {"azione": "annulla"}).content.decode()
    client.post(new_url, {"azione": "annulla", "reason": "Trasferito"})
    appointment.moved_to.refresh_from_db()
    assert appointment.moved_to.status == "cancelled"
    ics = client.get(reverse("appointments:appointment_ics", args=[appointment.pk]))
    assert ics["Content-Type"] == "text/calendar"
    assert b"BEGIN:VEVENT" in ics.content
    client.force_login(world["regional"])
    assert client.get(url).status_code == 200
