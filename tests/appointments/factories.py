"""Factories of appointments: calendars, templates, slots, appointments."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from sil.appointments.models import Appointment, Calendar, OpeningHours, Slot, SlotTemplate
from tests.factories import OfficeFactory, PersonFactory


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime in Europe/Rome."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    """The first date strictly after `after` (default today) falling on `weekday`."""
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


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
