"""Actions, constraints, signals and the race for the last free slot."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from sil.appointments import actions
from sil.appointments.machine import AppointmentTransitionError
from sil.appointments.models import Appointment, AppointmentEvent, AppointmentStatus, Slot
from sil.appointments.signals import appointment_changed
from tests.appointments.factories import (
    AppointmentFactory,
    CalendarFactory,
    OpeningHoursFactory,
    SlotFactory,
    SlotTemplateFactory,
    local,
    next_weekday,
)
from tests.factories import PersonFactory

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def changes():
    seen: list[tuple[str, int, int | None, bool]] = []

    def receiver(sender, appointment, kind, previous, by_citizen, **kwargs):
        assert connection.in_atomic_block  # inside the action's transaction
        seen.append((kind, appointment.pk, previous.pk if previous else None, by_citizen))

    appointment_changed.connect(receiver)
    yield seen
    appointment_changed.disconnect(receiver)


@pytest.mark.django_db
class TestConstraints:
    def test_overlapping_slots_in_one_calendar_are_refused_by_the_database(self):
        slot = SlotFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Slot.objects.create(
                calendar=slot.calendar,
                office=slot.office,
                starts_at=slot.starts_at + dt.timedelta(minutes=15),
                ends_at=slot.ends_at + dt.timedelta(minutes=15),
            )

    def test_two_live_appointments_on_one_slot_are_refused_by_the_database(self):
        first = AppointmentFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            AppointmentFactory(slot=first.slot)

    def test_a_cancelled_appointment_frees_the_slot(self):
        first = AppointmentFactory(status=AppointmentStatus.CANCELLED)
        AppointmentFactory(slot=first.slot)

    def test_one_person_cannot_hold_two_overlapping_appointments(self):
        first = AppointmentFactory()
        other = SlotFactory(starts_at=first.starts_at + dt.timedelta(minutes=10))
        with pytest.raises(IntegrityError), transaction.atomic():
            AppointmentFactory(slot=other, person=first.person)


@pytest.mark.django_db
class TestBooking:
    def test_book_writes_event_and_signal(self, changes):
        slot = SlotFactory()
        appointment = actions.do_book(PersonFactory(), slot, topic="campaign:1", purpose="x")
        assert appointment.status == AppointmentStatus.BOOKED
        assert appointment.office_id == slot.office_id
        assert appointment.starts_at == slot.starts_at
        assert AppointmentEvent.objects.filter(appointment=appointment, kind="booked").exists()
        assert changes == [("booked", appointment.pk, None, False)]

    def test_book_a_taken_slot_gives_an_italian_error(self):
        appointment = AppointmentFactory()
        with pytest.raises(actions.SlotTaken, match="già occupato"):
            actions.do_book(PersonFactory(), appointment.slot)

    def test_book_a_blocked_or_past_slot_is_refused(self):
        with pytest.raises(actions.SlotTaken):
            actions.do_book(PersonFactory(), SlotFactory(is_blocked=True))
        past = SlotFactory(starts_at=local(dt.date(2020, 1, 6), 9))
        with pytest.raises(ValidationError, match="già passato"):
            actions.do_book(PersonFactory(), past)

    def test_person_busy_at_that_time(self):
        first = AppointmentFactory()
        other = SlotFactory(starts_at=first.starts_at)
        with pytest.raises(ValidationError, match="già un appuntamento"):
            actions.do_book(first.person, other)


@pytest.mark.django_db
class TestLifecycle:
    def test_move_creates_a_new_row_and_retires_the_old_link(self, changes):
        old = AppointmentFactory(topic="campaign:7")
        # The new slot overlaps the old one for the same person: allowed, the old one is freed.
        new_slot = SlotFactory(
            office=old.office, starts_at=old.starts_at + dt.timedelta(minutes=15)
        )
        new = actions.do_move(old, new_slot, by_citizen=True)
        old.refresh_from_db()
        assert old.status == AppointmentStatus.MOVED
        assert old.moved_to == new
        assert old.link_version == 2
        assert new.topic == "campaign:7"
        assert new.status == AppointmentStatus.BOOKED
        assert changes == [("moved", new.pk, old.pk, True)]

    def test_citizen_cannot_move_to_another_office(self):
        old = AppointmentFactory()
        with pytest.raises(ValidationError, match="stesso ufficio"):
            actions.do_move(old, SlotFactory(), by_citizen=True)
        old.refresh_from_db()
        assert old.status == AppointmentStatus.BOOKED

    def test_cancel_needs_a_reason_and_frees_the_slot(self, changes):
        appointment = AppointmentFactory()
        with pytest.raises(ValidationError):
            actions.do_cancel(appointment, reason=" ")
        actions.do_cancel(appointment, reason="Malattia", by_citizen=True)
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CANCELLED
        assert appointment.link_version == 2
        assert Slot.objects.free().filter(pk=appointment.slot_id).exists()
        assert changes == [("cancelled", appointment.pk, None, True)]

    def test_confirm_check_in_done(self, changes):
        # Started an hour ago: presence may be recorded (see TestTimeHasCome).
        appointment = AppointmentFactory(slot=SlotFactory(starts_at=timezone.now() - HOUR))
        actions.do_confirm(appointment, by_citizen=True)
        actions.do_confirm(appointment, by_citizen=True)  # idempotent
        actions.do_check_in(appointment)
        actions.do_close(appointment, attended=True)
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.DONE
        assert [c[0] for c in changes] == ["confirmed", "checked_in", "done"]

    def test_missed_and_illegal_moves(self):
        appointment = AppointmentFactory(slot=SlotFactory(starts_at=timezone.now() - HOUR))
        actions.do_close(appointment, attended=False)
        with pytest.raises(AppointmentTransitionError, match="non presentato"):
            actions.do_check_in(appointment)
        with pytest.raises(AppointmentTransitionError):
            actions.do_cancel(appointment, reason="x")


@pytest.mark.django_db
class TestSlots:
    def test_mass_creation_skips_holidays_closures_and_hours_and_is_idempotent(self):
        calendar = CalendarFactory()
        for weekday in range(5):
            SlotTemplateFactory(
                calendar=calendar, weekday=weekday, starts=dt.time(9), ends=dt.time(13), minutes=60
            )
            OpeningHoursFactory(
                office=calendar.office, weekday=weekday, opens=dt.time(9), closes=dt.time(12)
            )
        # Monday 7 to Friday 11 December 2026; the 8th is a national holiday.
        actions.do_add_closure(calendar.office, dt.date(2026, 12, 10), "Inventario")
        created = actions.do_create_slots(
            calendar.office, dt.date(2026, 12, 7), dt.date(2026, 12, 11)
        )
        # 3 days x 3 hours (12:00–13:00 is outside opening hours).
        assert created == 9
        assert actions.do_create_slots(calendar, dt.date(2026, 12, 7), dt.date(2026, 12, 11)) == 0
        days = {s.starts_at.date() for s in Slot.objects.all()}
        assert days == {dt.date(2026, 12, 7), dt.date(2026, 12, 9), dt.date(2026, 12, 11)}

    def test_closure_blocks_free_slots_of_that_day(self):
        slot = SlotFactory()
        _closure, blocked = actions.do_add_closure(None, slot.starts_at.date(), "Sciopero")
        assert blocked == 1
        assert not Slot.objects.free().exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_attempts_on_the_last_free_slot_one_wins():
    slot = SlotFactory(starts_at=local(next_weekday(2), 10))
    people = PersonFactory.create_batch(50)
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(person):
        close_old_connections()
        try:
            barrier.wait()
            actions.do_book(person, slot, purpose="gara")
            result = "ok"
        except actions.SlotTaken as error:
            result = "taken" if "già occupato" in error.messages[0] else "other"
        except Exception as error:
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("taken") == 49, outcomes
    assert Appointment.objects.filter(slot=slot).count() == 1


@pytest.mark.django_db
class TestTimeHasCome:
    """Presence and absence are facts about a time that must have come (never a sanction
    dated in the future): arrival and "done" from the appointment's day, "missed" after it
    starts. Times are explicit, relative to now; no calendar day is assumed to be working."""

    @pytest.mark.parametrize(
        ("call", "wording"),
        [
            (lambda a: actions.do_check_in(a), "la presenza si registra"),
            (lambda a: actions.do_close(a, attended=True), "la presenza si registra"),
            (lambda a: actions.do_close(a, attended=False), "l'assenza si registra"),
        ],
    )
    def test_refused_three_days_ahead(self, call, wording):
        appointment = AppointmentFactory(
            slot=SlotFactory(starts_at=timezone.now() + dt.timedelta(days=3))
        )
        with pytest.raises(ValidationError) as error:
            call(appointment)
        assert error.value.code == "not_yet"
        assert wording in " ".join(error.value.messages)
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED
        assert appointment.checked_in_at is None and appointment.closed_at is None
        assert not appointment.events.exists()

    def test_missed_only_once_it_has_started(self):
        appointment = AppointmentFactory(slot=SlotFactory(starts_at=timezone.now() + HOUR))
        with pytest.raises(ValidationError, match="l'assenza si registra"):
            actions.do_close(appointment, attended=False)
        started = AppointmentFactory(slot=SlotFactory(starts_at=timezone.now() - HOUR))
        assert actions.do_close(started, attended=False).status == AppointmentStatus.MISSED

    def test_arrival_on_the_day_before_the_time(self):
        # Tomorrow at 00:00 minus a minute would be today; build a start later on today's date.
        now = timezone.localtime()
        later_today = now + dt.timedelta(minutes=(23 - now.hour) * 60 + (59 - now.minute)) // 2
        appointment = AppointmentFactory(slot=SlotFactory(starts_at=later_today))
        assert timezone.localdate(appointment.starts_at) == timezone.localdate()
        assert actions.do_check_in(appointment).status == AppointmentStatus.CHECKED_IN
        assert actions.do_close(appointment, attended=True).status == AppointmentStatus.DONE
