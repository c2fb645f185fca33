"""Holidays and closures, the REST API, and the slots command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from sil.appointments.days import closed_days, patron_subdivision, public_holidays
from sil.appointments.models import Appointment, AppointmentStatus, Slot
from sil.core.models import AccessLog
from tests.appointments.factories import (
    AppointmentFactory,
    CalendarFactory,
    SlotFactory,
    SlotTemplateFactory,
    local,
    next_weekday,
)
from tests.factories import MunicipalityFactory, OfficeFactory, two_cpi_world

pytestmark = pytest.mark.django_db


class TestHolidays:
    def test_national_holidays_including_saint_francis(self):
        days = public_holidays(None, [2026])
        assert dt.date(2026, 4, 6) in days  # Easter Monday
        assert dt.date(2026, 10, 4) in days  # national again from 2026
        assert dt.date(2026, 12, 26) in days
        assert dt.date(2026, 9, 19) not in days

    def test_patron_day_only_in_the_provincial_capital(self):
        naples_office = OfficeFactory(municipality=MunicipalityFactory(naples=True))
        assert patron_subdivision(naples_office) == "NA"
        assert dt.date(2026, 9, 19) in public_holidays(naples_office, [2026])  # San Gennaro
        town = MunicipalityFactory(
            name="Pozzuoli", cadastral_code="G964", province=naples_office.municipality.province
        )
        assert patron_subdivision(OfficeFactory(municipality=town)) is None

    def test_closed_days_join_holidays_and_closures(self):
        office = OfficeFactory()
        from sil.appointments.actions import do_add_closure

        do_add_closure(office, dt.date(2026, 12, 24), "Vigilia")
        do_add_closure(None, dt.date(2026, 12, 31), "Chiusura regionale")
        days = closed_days(office, dt.date(2026, 12, 20), dt.date(2027, 1, 7))
        assert set(days) == {
            dt.date(2026, 12, 24),
            dt.date(2026, 12, 25),
            dt.date(2026, 12, 26),
            dt.date(2026, 12, 31),
            dt.date(2027, 1, 1),
            dt.date(2027, 1, 6),
        }


class TestApi:
    def test_free_slots_scoped_and_filtered(self):
        world = two_cpi_world()
        day = next_weekday(3)
        mine = SlotFactory(calendar__office=world["cpi_a"], starts_at=local(day, 9))
        SlotFactory(calendar__office=world["cpi_a"], starts_at=local(day + dt.timedelta(days=1), 9))
        SlotFactory(calendar__office=world["cpi_b"], starts_at=local(day, 9))
        AppointmentFactory(
            slot=SlotFactory(calendar__office=world["cpi_a"], starts_at=local(day, 10))
        )
        client = APIClient()
        client.force_authenticate(world["operator_a"])
        response = client.get("/api/v1/slots/", {"date": day.isoformat()})
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [mine.pk]

    def test_book_move_cancel_and_logging(self):
        world = two_cpi_world()
        day = next_weekday(3)
        slot = SlotFactory(calendar__office=world["cpi_a"], starts_at=local(day, 9))
        other = SlotFactory(calendar__office=world["cpi_a"], starts_at=local(day, 11))
        client = APIClient()
        client.force_authenticate(world["operator_a"])
        booked = client.post(
            "/api/v1/appointments/",
            {"person": world["a"].pk, "slot": slot.pk, "purpose": "Colloquio"},
            format="json",
        )
        assert booked.status_code == 201, booked.json()
        pk = booked.json()["id"]
        again = client.post(
            "/api/v1/appointments/", {"person": world["a"].pk, "slot": slot.pk}, format="json"
        )
        assert again.status_code == 400
        assert "già occupato" in str(again.json())
        moved = client.post(f"/api/v1/appointments/{pk}/move/", {"slot": other.pk}, format="json")
        assert moved.status_code == 201
        new = moved.json()["id"]
        cancelled = client.post(
            f"/api/v1/appointments/{new}/cancel/", {"reason": "Malattia"}, format="json"
        )
        assert cancelled.json()["status"] == AppointmentStatus.CANCELLED
        client.get(f"/api/v1/appointments/{new}/")
        assert AccessLog.objects.filter(object_type="appointments.appointment").exists()

    def test_other_office_sees_nothing(self):
        world = two_cpi_world()
        appointment = AppointmentFactory(slot=SlotFactory(calendar__office=world["cpi_b"]))
        client = APIClient()
        client.force_authenticate(world["operator_a"])
        assert client.get(f"/api/v1/appointments/{appointment.pk}/").status_code == 404
        assert client.get("/api/v1/appointments/").json()["results"] == []
        booked = client.post(
            "/api/v1/appointments/",
            {"person": world["a"].pk, "slot": SlotFactory(calendar__office=world["cpi_b"]).pk},
            format="json",
        )
        assert booked.status_code == 400
        assert not Appointment.objects.filter(person=world["a"]).exists()


def test_slots_command(capsys):
    calendar = CalendarFactory()
    SlotTemplateFactory(calendar=calendar, weekday=2, starts=dt.time(9), ends=dt.time(10))
    call_command(
        "appointments",
        "slots",
        "--office",
        calendar.office.code,
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-31",
    )
    # Wednesdays of December 2026: 2, 9, 16, 23, 30; two 30-minute slots each.
    assert Slot.objects.count() == 10
    assert "10" in capsys.readouterr().out


class TestTimeHasComeThroughApiAndPages:
    """The action refuses presence and absence ahead of time; the API says so (400) and the
    day list offers neither button for an appointment three days ahead."""

    def _ahead(self, world):
        return AppointmentFactory(
            slot=SlotFactory(
                calendar__office=world["cpi_a"], starts_at=timezone.now() + dt.timedelta(days=3)
            )
        )

    def test_api_check_in_and_close_are_refused_ahead_of_time(self):
        world = two_cpi_world()
        appointment = self._ahead(world)
        client = APIClient()
        client.force_authenticate(world["operator_a"])
        base = f"/api/v1/appointments/{appointment.pk}"
        for url, body in (
            (f"{base}/check-in/", {}),
            (f"{base}/close/", {"attended": True}),
            (f"{base}/close/", {"attended": False}),
        ):
            response = client.post(url, body, format="json")
            assert response.status_code == 400, (url, body)
            assert "si registra" in str(response.json())
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED

    def test_day_list_offers_no_presence_ahead_and_the_view_refuses_it(self, client):
        world = two_cpi_world()
        appointment = self._ahead(world)
        client.force_login(world["operator_a"])
        day = timezone.localdate(appointment.starts_at)
        url = reverse("appointments:day_list", kwargs={"office": world["cpi_a"].code})
        page = client.get(f"{url}?data={day.isoformat()}").content.decode()
        for action in ("check_in", "missed", "done"):
            assert f"/{appointment.pk}/{action}/" not in page
        for action in ("check_in", "missed"):
            response = client.post(
                reverse("appointments:appointment_action", args=[appointment.pk, action]),
                follow=True,
            )
            assert "si registra" in response.content.decode()
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED
        # Once its time has come the buttons are there.
        started = AppointmentFactory(
            slot=SlotFactory(
                calendar__office=world["cpi_a"], starts_at=timezone.now() - dt.timedelta(hours=1)
            )
        )
        day = timezone.localdate(started.starts_at)
        page = client.get(f"{url}?data={day.isoformat()}").content.decode()
        assert f"/{started.pk}/check_in/" in page and f"/{started.pk}/missed/" in page
