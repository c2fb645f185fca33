"""Reads of appointments other apps may use."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sil.appointments.models import Appointment, AppointmentStatus, Slot
from sil.territory.models import Office


def free_slots(  # type: ignore[no-untyped-def]
    office: Office | int,
    *,
    after: dt.datetime | None = None,
    limit: int = 20,
    one_per_time: bool = False,
):
    """The next free slots of an office (earliest first), from `after` (default now).

    `one_per_time`: a citizen choosing a time needs one choice per time, not one per operator
    (the first calendar free at that time is taken).
    """
    office_id = office if isinstance(office, int) else office.pk
    slots = (
        Slot.objects.free()
        .filter(
            office_id=office_id, calendar__is_active=True, starts_at__gt=after or timezone.now()
        )
        .order_by("starts_at", "calendar_id")
    )
    if one_per_time:
        slots = slots.distinct("starts_at")
    return slots[:limit]


def day_list(office: Office, day: dt.date):  # type: ignore[no-untyped-def]
    """Appointments of an office on a day (reception list); moved ones are left out."""
    return (
        Appointment.objects.filter(office=office, starts_at__date=day)
        .exclude(status=AppointmentStatus.MOVED)
        .select_related("person", "slot__calendar")
        .order_by("starts_at", "slot__calendar__name")
    )
