"""The slots a person may move their own appointment to (the citizen's link).

The base is every free slot of the same office, still ahead, on an active calendar and not on a
closure day. The app that owns the appointment's topic narrows it further: it registers a rule
for the topic's prefix in the registry's `slot_rules` store from its AppConfig.ready() (campaigns: "campaign" → inside the campaign's
window and its per-day capacity), so appointments never imports the apps above it. The page
lists these slots and do_move(by_citizen=True) accepts no other.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from sil.appointments.models import Appointment, Closure, Slot, SlotQuerySet
from sil.core.registry import registry

# rule(appointment, slots) -> the slots it allows (a narrower queryset).
SlotRule = Callable[[Appointment, SlotQuerySet], SlotQuerySet]


def _rule(topic: str) -> SlotRule | None:
    prefix, sep, _rest = (topic or "").partition(":")
    rule = registry.slot_rules.get(prefix) if sep else None
    return rule.run if rule is not None else None


def citizen_slots(appointment: Appointment) -> SlotQuerySet:
    """Every slot the person may choose instead of the current one, earliest first."""
    closed = Closure.objects.filter(date=OuterRef("local_day")).filter(
        Q(office__isnull=True) | Q(office_id=OuterRef("office_id"))
    )
    slots = (
        Slot.objects.free()
        # The slot's day in the local time zone (rules may use it too).
        .annotate(local_day=TruncDate("starts_at"))
        .filter(
            office_id=appointment.office_id,
            calendar__is_active=True,
            starts_at__gt=timezone.now(),
        )
        .exclude(pk=appointment.slot_id)
        .exclude(Exists(closed))
    )
    rule = _rule(appointment.topic)
    if rule is not None:
        slots = rule(appointment, slots)
    return slots.order_by("starts_at", "calendar_id")


def is_offered(appointment: Appointment, slot: Slot) -> bool:
    return citizen_slots(appointment).filter(pk=slot.pk).exists()
