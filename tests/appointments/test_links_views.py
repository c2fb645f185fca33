"""The citizen's signed link, the .ics builders, the day list and the operator feed."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from sil.appointments import actions, ics, links
from sil.appointments.models import AppointmentStatus
from sil.core.models import AccessLog
from tests.appointments.factories import AppointmentFactory, SlotFactory, local, next_weekday
from tests.factories import OfficeFactory, UserFactory, two_cpi_world

pytestmark = pytest.mark.django_db


def _appointment(**kwargs):
    office = OfficeFactory(address="Via Roma 1", phone="081 123 4567", postal_code="80100")
    slot = SlotFactory(calendar__office=office)
    return AppointmentFactory(slot=slot, **kwargs)


class TestLinks:
    def test_round_trip(self):
        appointment = _appointment()
        url = links.citizen_url(appointment)
        assert url.startswith("/appuntamento/")
        token = url.split("/")[2]
        assert links.load(token) == appointment

    def test_tampered_token(self):
        token = links.make_token(_appointment())
        with pytest.raises(links.LinkInvalid):
            links.load(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        forged = signing.dumps({"a": 1, "v": 1}, salt="other-salt")
        with pytest.raises(links.LinkInvalid):
            links.load(forged)

    def test_old_version_stops_working_after_a_move(self):
        appointment = _appointment()
        token = links.make_token(appointment)
        new_slot = SlotFactory(
            calendar__office=appointment.office,
            starts_at=appointment.starts_at + dt.timedelta(hours=2),
        )
        new = actions.do_move(appointment, new_slot)
        with pytest.raises(links.LinkInvalid):
            links.load(token)
        assert links.load(links.make_token(new)) == new

    def test_expired_once_the_appointment_starts(self):
        appointment = _appointment()
        token = links.make_token(appointment)
        appointment.starts_at = timezone.now() - dt.timedelta(minutes=1)
        appointment.save(update_fields=["starts_at"])
        with pytest.raises(links.LinkExpired):
            links.load(token)


class TestCitizenPage:
    def test_shows_the_appointment_without_login(self, client):
        appointment = _appointment()
        response = client.get(links.citizen_url(appointment))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Via Roma 1" in page and "081 123 4567" in page
        assert "Cosa portare" in page

    def test_confirm(self, client):
        appointment = _appointment()
        url = links.citizen_url(appointment)
        response = client.post(url, {"azione": "conferma"})
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CONFIRMED
        assert appointment.events.get(kind="confirmed").by_citizen

    def test_move_to_a_free_slot_of_the_same_office(self, client):
        appointment = _appointment()
        free = SlotFactory(
            calendar__office=appointment.office,
            starts_at=appointment.starts_at + dt.timedelta(days=1),
        )
        url = links.citizen_url(appointment)
        assert f'value="{free.pk}"' in client.get(url).content.decode()
        response = client.post(url, {"azione": "sposta", "slot": free.pk})
        appointment.refresh_from_db()
        new = appointment.moved_to
        assert new.slot == free
        assert response.url.startswith(links.citizen_url(new))
        # The old link is now dead.
        assert client.get(url).status_code == 404

    def test_move_to_another_office_is_refused(self, client):
        appointment = _appointment()
        elsewhere = SlotFactory(starts_at=appointment.starts_at + dt.timedelta(days=1))
        response = client.post(
            links.citizen_url(appointment), {"azione": "sposta", "slot": elsewhere.pk}
        )
        assert "stesso ufficio" in response.content.decode()
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED

    def test_cannot_come_needs_a_reason(self, client):
        appointment = _appointment()
        url = links.citizen_url(appointment)
        assert "Scrivi il motivo" in client.post(url, {"azione": "annulla"}).content.decode()
        response = client.post(url, {"azione": "annulla", "reason": "Sono ricoverato"})
        assert response.status_code == 200
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CANCELLED
        assert appointment.cancel_reason == "Sono ricoverato"

    def test_bad_and_expired_links(self, client):
        assert client.get("/appuntamento/nonsense/").status_code == 404
        appointment = _appointment()
        url = links.citizen_url(appointment)
        appointment.starts_at = timezone.now() - dt.timedelta(hours=1)
        appointment.save(update_fields=["starts_at"])
        response = client.get(url)
        assert response.status_code == 410
        assert "081 123 4567" in response.content.decode()


class TestIcs:
    def test_appointment_ics(self):
        appointment = _appointment(purpose="Convocazione ADI")
        cal = icalendar.Calendar.from_ical(ics.appointment_ics(appointment))
        (event,) = cal.walk("VEVENT")
        assert str(event["uid"]) == f"appointment-{appointment.pk}@opensil"
        assert event.decoded("dtstart") == appointment.starts_at
        assert str(event.decoded("dtstart").tzinfo) == "Europe/Rome"
        assert "Via Roma 1" in str(event["location"])
        assert "081 123 4567" in str(event["description"])
        assert cal.walk("VTIMEZONE")

    def test_feed_has_no_names_and_only_live_appointments(self, client):
        appointment = _appointment()
        cancelled = AppointmentFactory(
            slot=SlotFactory(
                calendar=appointment.slot.calendar,
                starts_at=appointment.starts_at + dt.timedelta(hours=1),
            ),
            status=AppointmentStatus.CANCELLED,
        )
        url = reverse("appointments:feed", kwargs={"token": appointment.slot.calendar.feed_token})
        response = client.get(url)
        assert response["Content-Type"] == "text/calendar"
        body = response.content.decode()
        assert f"appointment-{appointment.pk}@" in body
        assert f"appointment-{cancelled.pk}@" not in body
        assert appointment.person.last_name not in body
        assert client.get(url.replace(".ics", "x.ics")).status_code == 404


class TestDayList:
    def test_lists_the_day_with_fixed_queries_and_logs_access(
        self, client, django_assert_num_queries
    ):
        world = two_cpi_world()
        day = next_weekday(1)
        for hour in (9, 10, 11):
            AppointmentFactory(
                slot=SlotFactory(calendar__office=world["cpi_a"], starts_at=local(day, hour))
            )
        client.force_login(world["operator_a"])
        url = reverse("appointments:day_list", kwargs={"office": world["cpi_a"].code})
        client.get(f"{url}?data={day.isoformat()}")  # warm the session and membership caches
        with django_assert_num_queries(9):
            response = client.get(f"{url}?data={day.isoformat()}")
        assert response.status_code == 200
        assert len(response.context["appointments"]) == 3
        assert AccessLog.objects.filter(object_type="people.person").count() >= 3

    def test_other_office_is_hidden(self, client):
        world = two_cpi_world()
        client.force_login(world["operator_a"])
        url = reverse("appointments:day_list", kwargs={"office": world["cpi_b"].code})
        assert client.get(url).status_code == 404

    def test_check_in_then_done(self, client):
        world = two_cpi_world()
        appointment = AppointmentFactory(
            slot=SlotFactory(
                calendar__office=world["cpi_a"], starts_at=timezone.now() - dt.timedelta(hours=1)
            )
        )
        client.force_login(world["operator_a"])
        for action in ("check_in", "done"):
            client.post(reverse("appointments:appointment_action", args=[appointment.pk, action]))
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.DONE
        other = UserFactory(operator_of=world["cpi_b"])
        client.force_login(other)
        url = reverse("appointments:appointment_action", args=[appointment.pk, "missed"])
        assert client.post(url).status_code == 404
