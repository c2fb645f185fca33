"""The .ics files carry one Europe/Rome VTIMEZONE, built once and identical every time."""

from __future__ import annotations

import pytest

from sil.appointments.ics import appointment_ics, feed_ics
from tests.appointments.factories import (
    AppointmentFactory,
    CalendarFactory,
    local,
    next_weekday,
)

pytestmark = pytest.mark.django_db


def test_the_attachment_has_its_timezone_block_once():
    appointment = AppointmentFactory()

    first = appointment_ics(appointment).decode()
    second = appointment_ics(appointment).decode()

    for text in (first, second):
        assert text.count("BEGIN:VTIMEZONE") == 1
        assert "TZID:Europe/Rome" in text
        assert "DTSTART;TZID=Europe/Rome:" in text
        # The block comes before the event that refers to it.
        assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    block = first[first.index("BEGIN:VTIMEZONE") : first.index("END:VTIMEZONE")]
    assert block in second


def test_a_feed_lists_the_timezone_once_for_many_events_and_none_when_empty():
    calendar = CalendarFactory()
    monday = next_weekday(0)
    appointments = [
        AppointmentFactory(slot__calendar=calendar, slot__starts_at=local(monday, 9, minute))
        for minute in (0, 30)
    ]
    text = feed_ics(calendar, appointments).decode()
    assert text.count("BEGIN:VEVENT") == 2
    assert text.count("BEGIN:VTIMEZONE") == 1

    assert b"VTIMEZONE" not in feed_ics(calendar, [])
