"""Factories of appointments: calendars, templates, slots, appointments."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from sil.appointments.days import public_holidays
from sil.appointments.models import Appointment, Calendar, OpeningHours, Slot, SlotTemplate
from sil.territory.models import Office
from tests.factories import OfficeFactory, PersonFactory


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime in Europe/Rome."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def is_working_day(day: dt.date, office: Office | None = None) -> bool:
    """Monday to Friday and no public holiday (national, or the office's patron saint)."""
    return day.weekday() < 5 and day not in public_holidays(office, (day.year,))


def next_weekday(
    weekday: int, after: dt.date | None = None, office: Office | None = None
) -> dt.date:
    """The first working date strictly after `after` (default today) falling on `weekday`.

    Public holidays are skipped, so slots created on the returned day exist whatever the
    calendar says about the week the tests run in (8 December, Easter Monday, 2 June…).
    """
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday or not is_working_day(day, office):
        day += dt.timedelta(days=1)
    return day


def working_monday(
    after: dt.date | None = None, *, days: int = 5, office: Office | None = None
) -> dt.date:
    """The first Monday strictly after `after` (default today) from which every weekday of the
    next `days` days is a working day: tests that count slots over a week need a whole one."""
    monday = next_weekday(0, after, office)
    while not all(
        is_working_day(day, office)
        for day in (monday + dt.timedelta(days=n) for n in range(days))
        if day.weekday() < 5
    ):
        monday = next_weekday(0, monday, office)
    return monday


def holiday_between_working_days(after: dt.date | None = None) -> dt.date:
    """The first national holiday after `after` (default today) falling Tuesday to Thursday,
    with a working day on each side: a week that shows scheduling stepping over a holiday."""
    start = after or timezone.localdate()
    for year in (start.year, start.year + 1, start.year + 2):
        for day in sorted(public_holidays(None, (year,))):
            if (
                day > start + dt.timedelta(days=1)
                and 1 <= day.weekday() <= 3
                and is_working_day(day - dt.timedelta(days=1))
                and is_working_day(day + dt.timedelta(days=1))
            ):
                return day
    raise AssertionError("no midweek holiday in three years")


class CalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Calendar

    office = factory.SubFactory(OfficeFactory)
    operator = None
    name = factory.Sequence(lambda n: f"Agenda {n}")
    feed_token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    office = factory.SubFactory(OfficeFactory)
    weekday = 0
    opens = dt.time(9, 0)
    closes = dt.time(13, 0)


class SlotTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlotTemplate

    calendar = factory.SubFactory(CalendarFactory)
    weekday = 0
    starts = dt.time(9, 0)
    ends = dt.time(12, 0)
    minutes = 30


class SlotFactory(factory.django.DjangoModelFactory):
    """A 30-minute slot at 9:00 on the next Monday unless told otherwise."""

    class Meta:
        model = Slot

    calendar = factory.SubFactory(CalendarFactory)
    office = factory.SelfAttribute("calendar.office")
    starts_at = factory.LazyFunction(lambda: local(next_weekday(0), 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=30))


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    slot = factory.SubFactory(SlotFactory)
    person = factory.SubFactory(PersonFactory)
    office = factory.SelfAttribute("slot.office")
    starts_at = factory.SelfAttribute("slot.starts_at")
    ends_at = factory.SelfAttribute("slot.ends_at")
    purpose = "Colloquio di orientamento"
