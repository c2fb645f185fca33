"""Forecast and bulk scheduling of a campaign into appointment slots."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from sil.appointments.actions import do_add_closure, do_book, do_create_slots
from sil.appointments.models import Appointment, Slot
from sil.campaigns.models import ConvocationEvent
from sil.campaigns.scheduling import forecast, reschedule_convocation, schedule_campaign
from tests.appointments.factories import (
    CalendarFactory,
    SlotFactory,
    SlotTemplateFactory,
    holiday_between_working_days,
    local,
    working_monday,
)
from tests.campaigns.factories import CampaignFactory, ConvocationFactory, OfficeCapacityFactory
from tests.factories import OfficeFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _office_with_calendars(calendars: int = 2, start: int = 9, end: int = 12):
    """An office whose calendars hold 30-minute slots Monday to Friday from start to end."""
    office = OfficeFactory()
    for _ in range(calendars):
        calendar = CalendarFactory(office=office)
        for weekday in range(5):
            SlotTemplateFactory(
                calendar=calendar, weekday=weekday, starts=dt.time(start), ends=dt.time(end)
            )
    return office


def _monday() -> dt.date:
    """A Monday starting a whole working week (no holiday), however the calendar falls."""
    return working_monday(days=15)


def test_forecast_caps_per_day_and_finds_last_day():
    office = _office_with_calendars()  # 2 x 6 = 12 slots a day
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=4))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=4))
    OfficeCapacityFactory(campaign=campaign, office=office, per_day=5)
    ConvocationFactory.create_batch(12, campaign=campaign, office=office)

    result = forecast(campaign)

    assert result.needed == 12
    (row,) = result.offices
    assert row.per_day == 5
    assert [d.free for d in row.days] == [12] * len(row.days)
    assert all(d.capacity == 5 for d in row.days)
    assert [d.used for d in row.days[:3]] == [5, 5, 2]
    assert row.last_day == row.days[2].day
    assert row.shortfall == 0
    assert result.feasible
    assert result.as_dict()["offices"][0]["last_day"] == row.last_day.isoformat()


def test_forecast_reports_shortfall_and_extra_days():
    office = _office_with_calendars(calendars=1, start=9, end=10)  # 2 slots a day
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=1))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=1))
    OfficeCapacityFactory(campaign=campaign, office=office, per_day=2)
    ConvocationFactory.create_batch(7, campaign=campaign, office=office)

    result = forecast(campaign)

    assert result.capacity == 4
    assert result.shortfall == 3
    assert not result.feasible
    assert result.offices[0].extra_days == 2


def test_forecast_counts_only_free_slots_inside_the_window():
    office = _office_with_calendars(calendars=1, start=9, end=10)
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=14))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=2))
    ConvocationFactory(campaign=campaign, office=office)
    taken = Slot.objects.filter(office=office).order_by("starts_at").first()
    do_book(PersonFactory(), taken, purpose="altro")

    result = forecast(campaign)

    # Monday, Tuesday, Wednesday x 2 slots, one taken by someone else; no per-day cap.
    assert result.offices[0].per_day is None
    assert result.capacity == 5


def test_schedule_books_everyone_earliest_first_balanced_over_calendars():
    office = _office_with_calendars(calendars=3)  # 3 x 6 = 18 a day
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=4))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=4))
    OfficeCapacityFactory(campaign=campaign, office=office, per_day=9)
    convocations = ConvocationFactory.create_batch(20, campaign=campaign, office=office)

    result = schedule_campaign(campaign)

    assert result.scheduled == 20
    assert result.unscheduled == 0
    appointments = list(Appointment.objects.filter(topic=campaign.topic))
    assert len(appointments) == 20
    by_day = Counter(timezone.localdate(a.starts_at) for a in appointments)
    assert sorted(by_day.values(), reverse=True) == [9, 9, 2]
    assert min(by_day) == monday
    first_day = [a for a in appointments if timezone.localdate(a.starts_at) == monday]
    per_calendar = Counter(a.slot.calendar_id for a in first_day)
    assert sorted(per_calendar.values()) == [3, 3, 3]
    # Earliest first: on the first day the three operators start at 9:00, 9:30, 10:00.
    assert sorted({timezone.localtime(a.starts_at).time() for a in first_day}) == [
        dt.time(9),
        dt.time(9, 30),
        dt.time(10),
    ]
    for conv in convocations:
        conv.refresh_from_db()
        assert conv.appointment is not None
        assert conv.appointment.person_id == conv.person_id
    assert ConvocationEvent.objects.filter(kind="scheduled").count() == 20
    assert result.last_day_by_office[office.code] == max(by_day)


def test_schedule_never_goes_past_the_deadline_and_reports_the_rest():
    office = _office_with_calendars(calendars=1, start=9, end=10)
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=7))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=1))
    ConvocationFactory.create_batch(6, campaign=campaign, office=office)

    result = schedule_campaign(campaign)

    assert result.scheduled == 4
    assert result.unscheduled_by_office == {office.code: 2}
    last = Appointment.objects.filter(topic=campaign.topic).latest("starts_at")
    assert timezone.localdate(last.starts_at) <= campaign.deadline


def test_schedule_twice_books_nobody_twice_and_respects_per_day_already_used():
    office = _office_with_calendars(calendars=2)
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=4))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=4))
    OfficeCapacityFactory(campaign=campaign, office=office, per_day=4)
    ConvocationFactory.create_batch(3, campaign=campaign, office=office)
    assert schedule_campaign(campaign).scheduled == 3
    assert schedule_campaign(campaign).scheduled == 0
    ConvocationFactory.create_batch(3, campaign=campaign, office=office)

    schedule_campaign(campaign)

    by_day = Counter(
        timezone.localdate(a.starts_at) for a in Appointment.objects.filter(topic=campaign.topic)
    )
    assert by_day[monday] == 4
    assert sum(by_day.values()) == 6


def test_schedule_skips_closures_and_holidays():
    office = _office_with_calendars(calendars=1, start=9, end=10)
    # A working day closed by the office, then a national holiday, then the working day after.
    holiday = holiday_between_working_days()
    closed = holiday - dt.timedelta(days=1)
    after = holiday + dt.timedelta(days=1)
    do_create_slots(office, closed, after)
    assert not Slot.objects.filter(starts_at__date=holiday).exists()
    do_add_closure(office, closed, "Disinfestazione")
    campaign = CampaignFactory(starts_on=closed, deadline=after)
    ConvocationFactory.create_batch(3, campaign=campaign, office=office)

    result = schedule_campaign(campaign)

    assert result.scheduled == 2
    days = {
        timezone.localdate(a.starts_at) for a in Appointment.objects.filter(topic=campaign.topic)
    }
    assert days == {after}


def test_schedule_skips_a_person_busy_at_that_time_and_books_them_later():
    office = _office_with_calendars(calendars=1, start=9, end=10)
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=1))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=1))
    conv = ConvocationFactory(campaign=campaign, office=office)
    # The same person already has an appointment elsewhere at 9:00 on Monday.
    other = SlotFactory(starts_at=local(monday, 9))
    do_book(conv.person, other, purpose="altro")

    result = schedule_campaign(campaign)

    assert result.scheduled == 1
    assert result.conflicts == 1
    conv.refresh_from_db()
    assert conv.appointment.starts_at == local(monday, 9, 30)


def test_reschedule_one_person_takes_the_next_free_slot():
    office = _office_with_calendars(calendars=2, start=9, end=10)
    monday = _monday()
    do_create_slots(office, monday, monday + dt.timedelta(days=1))
    campaign = CampaignFactory(starts_on=monday, deadline=monday + dt.timedelta(days=1))
    OfficeCapacityFactory(campaign=campaign, office=office, per_day=2)
    *_, third = ConvocationFactory.create_batch(3, campaign=campaign, office=office)
    schedule_campaign(campaign)
    third.refresh_from_db()
    assert timezone.localdate(third.appointment.starts_at) == monday + dt.timedelta(days=1)
    fourth = ConvocationFactory(campaign=campaign, office=office)

    appointment = reschedule_convocation(fourth)

    assert appointment is not None
    # Monday is full for this campaign (per_day 2), so Tuesday.
    assert timezone.localdate(appointment.starts_at) == monday + dt.timedelta(days=1)
    fourth.refresh_from_db()
    assert fourth.appointment == appointment
    fifth = ConvocationFactory(campaign=campaign, office=office)
    assert reschedule_convocation(fifth) is None
