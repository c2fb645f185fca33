"""Every write of appointments: one transaction each, rows locked, Italian errors.

Booking locks the slot row first, so concurrent attempts on the same slot queue up and all but
one find it taken; the partial unique constraint and the exclusion constraints stay as the last
word, and their violations are turned into the same clear errors. Each change to an appointment
sends `appointment_changed` inside the transaction (see signals.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.appointments import machine, offers
from sil.appointments.days import closed_days, opening_hours, within_hours
from sil.appointments.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    Calendar,
    Closure,
    Slot,
    SlotTemplate,
)
from sil.appointments.signals import appointment_changed
from sil.core.audit import audit_context
from sil.people.models import Person
from sil.territory.models import Office

SLOT_BATCH = 10_000


class SlotTaken(ValidationError):
    """The slot has just been booked by someone else (or is blocked)."""


def _slot_taken() -> SlotTaken:
    return SlotTaken(
        _("Lo slot è già occupato: scegli un altro orario."),
        code="slot_taken",
    )


def _person_busy() -> ValidationError:
    return ValidationError(
        _("La persona ha già un appuntamento in quell'orario."), code="person_busy"
    )


def _user_pk(by: Any) -> int | None:
    pk = getattr(by, "pk", None)
    return pk if getattr(by, "is_authenticated", False) else None


def _event(
    appointment: Appointment, kind: str, by: Any, by_citizen: bool, **data: Any
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        by_id=_user_pk(by),
        by_citizen=by_citizen,
        data=data,
    )


def _changed(
    appointment: Appointment,
    kind: str,
    *,
    previous: Appointment | None = None,
    by_citizen: bool = False,
) -> None:
    appointment_changed.send(
        sender=Appointment,
        appointment=appointment,
        kind=kind,
        previous=previous,
        by_citizen=by_citizen,
    )


# ---------------------------------------------------------------------------------------------
# Calendars, closures, slots


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def do_create_calendar(
    office: Office, *, operator: Any = None, name: str = "", by: Any = None
) -> Calendar:
    with audit_context(action="create_calendar"), transaction.atomic():
        if not name:
            name = operator.get_full_name() if operator is not None else _("Sportello")
        return Calendar.objects.create(
            office=office, operator=operator, name=name, feed_token=new_feed_token()
        )


def do_rotate_feed_token(calendar: Calendar, *, by: Any = None) -> Calendar:
    """A new secret feed URL; subscriptions to the old one stop working."""
    with audit_context(action="rotate_feed_token", calendar=calendar.pk), transaction.atomic():
        calendar.feed_token = new_feed_token()
        calendar.save(update_fields=["feed_token"])
        return calendar


def do_add_slot_template(
    calendar: Calendar,
    *,
    weekday: int,
    starts: dt.time,
    ends: dt.time,
    minutes: int = 30,
    mode: str = "in_person",
    by: Any = None,
) -> SlotTemplate:
    """A weekly pattern of the calendar; slots follow only when do_create_slots runs."""
    if starts >= ends:
        raise ValidationError(_("L'ora finale deve seguire quella iniziale."), code="order")
    with audit_context(action="add_slot_template", calendar=calendar.pk), transaction.atomic():
        return SlotTemplate.objects.create(
            calendar=calendar, weekday=weekday, starts=starts, ends=ends, minutes=minutes, mode=mode
        )


def do_add_closure(
    office: Office | None, date: dt.date, reason: str, *, by: Any = None
) -> tuple[Closure, int]:
    """Close an office (or every office) on a day; free slots of that day are blocked.

    Returns the closure and how many slots it blocked. Booked appointments are left alone:
    the operators move them (the day list shows them).
    """
    with audit_context(action="add_closure"), transaction.atomic():
        closure, _created = Closure.objects.update_or_create(
            office=office, date=date, defaults={"reason": reason}
        )
        slots = Slot.objects.filter(starts_at__date=date, is_blocked=False).exclude(
            appointments__status__in=LIVE_STATUSES
        )
        if office is not None:
            slots = slots.filter(office=office)
        blocked = slots.update(is_blocked=True)
        return closure, blocked


def _calendars(target: Office | Calendar) -> list[Calendar]:
    if isinstance(target, Calendar):
        return [target]
    return list(Calendar.objects.filter(office=target, is_active=True))


def _slot_rows(
    calendar: Calendar,
    templates: Iterable[SlotTemplate],
    date_from: dt.date,
    date_to: dt.date,
    closed: dict[dt.date, str],
    hours: dict[int, list[tuple[dt.time, dt.time]]],
) -> Iterable[tuple[int, int, dt.datetime, dt.datetime, str]]:
    tz = timezone.get_default_timezone()
    by_weekday: dict[int, list[SlotTemplate]] = {}
    for template in templates:
        by_weekday.setdefault(template.weekday, []).append(template)
    day = date_from
    while day <= date_to:
        if day not in closed:
            for template in by_weekday.get(day.weekday(), []):
                step = dt.timedelta(minutes=template.minutes)
                start = dt.datetime.combine(day, template.starts)
                stop = dt.datetime.combine(day, template.ends)
                while start + step <= stop:
                    end = start + step
                    if within_hours(hours, day.weekday(), start.time(), end.time()):
                        yield (
                            calendar.pk,
                            calendar.office_id,
                            timezone.make_aware(start, tz),
                            timezone.make_aware(end, tz),
                            template.mode,
                        )
                    start = end
        day += dt.timedelta(days=1)


def _insert_slots(rows: list[tuple[int, int, dt.datetime, dt.datetime, str]]) -> int:
    if not rows:
        return 0
    calendars, offices, starts, ends, modes = (list(col) for col in zip(*rows, strict=True))
    with connection.cursor() as cur:
        # The exclusion constraint makes a second run a no-op: overlapping slots are skipped.
        cur.execute(
            """
            INSERT INTO appointments_slot (calendar_id, office_id, starts_at, ends_at, mode,
                                           is_blocked)
            SELECT c, o, s, e, m, false
              FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], %s::timestamptz[],
                          %s::text[]) AS t(c, o, s, e, m)
            ON CONFLICT DO NOTHING
            """,
            [calendars, offices, starts, ends, modes],
        )
        return int(cur.rowcount)


def do_create_slots(
    target: Office | Calendar,
    date_from: dt.date,
    date_to: dt.date,
    *,
    by: Any = None,
    progress: Any = None,
) -> int:
    """Create the slots of the target's slot templates for every open day in the range.

    Skips public holidays, closures and times outside the office's opening hours. Idempotent:
    slots that would overlap existing ones are not created. Returns how many were created.
    `progress(done, total)` is called after each calendar.
    """
    if date_to < date_from:
        raise ValidationError(_("La data finale precede quella iniziale."), code="bad_range")
    if (date_to - date_from).days > 366:
        raise ValidationError(_("Si possono creare slot per al massimo un anno."), code="range")
    calendars = _calendars(target)
    created = 0
    with audit_context(action="create_slots"), transaction.atomic():
        closed_by_office: dict[int, dict[dt.date, str]] = {}
        hours_by_office: dict[int, dict[int, list[tuple[dt.time, dt.time]]]] = {}
        templates: dict[int, list[SlotTemplate]] = {}
        for template in SlotTemplate.objects.filter(calendar__in=calendars):
            templates.setdefault(template.calendar_id, []).append(template)
        for i, calendar in enumerate(calendars, start=1):
            office = calendar.office
            if office.pk not in closed_by_office:
                closed_by_office[office.pk] = closed_days(office, date_from, date_to)
                hours_by_office[office.pk] = opening_hours(office)
            batch: list[tuple[int, int, dt.datetime, dt.datetime, str]] = []
            for row in _slot_rows(
                calendar,
                templates.get(calendar.pk, []),
                date_from,
                date_to,
                closed_by_office[office.pk],
                hours_by_office[office.pk],
            ):
                batch.append(row)
                if len(batch) >= SLOT_BATCH:
                    created += _insert_slots(batch)
                    batch = []
            created += _insert_slots(batch)
            if progress is not None:
                progress(i, len(calendars))
    return created


# ---------------------------------------------------------------------------------------------
# Appointments


def _lock_free_slot(slot: Slot) -> Slot:
    locked = Slot.objects.select_for_update().get(pk=slot.pk)
    if locked.is_blocked or Appointment.objects.live().filter(slot=locked).exists():
        raise _slot_taken()
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("L'orario scelto è già passato."), code="slot_past")
    return locked


def _insert(appointment: Appointment) -> None:
    """Save a new live appointment; constraint violations become Italian errors."""
    try:
        with transaction.atomic():
            appointment.save(force_insert=True)
    except IntegrityError as error:
        if "appointment_one_per_slot" in str(error):
            raise _slot_taken() from error
        if "appointment_person_no_overlap" in str(error):
            raise _person_busy() from error
        raise


def do_book(
    person: Person,
    slot: Slot,
    *,
    topic: str = "",
    purpose: str = "",
    by: Any = None,
    by_citizen: bool = False,
    note: str = "",
) -> Appointment:
    """Book the person into the slot, or SlotTaken / ValidationError."""
    with audit_context(action="book_appointment"), transaction.atomic():
        locked = _lock_free_slot(slot)
        appointment = Appointment(
            slot=locked,
            person=person,
            office_id=locked.office_id,
            starts_at=locked.starts_at,
            ends_at=locked.ends_at,
            topic=topic,
            purpose=purpose,
            note=note,
            created_by_id=_user_pk(by),
        )
        _insert(appointment)
        _event(appointment, "booked", by, by_citizen, slot=locked.pk)
        _changed(appointment, "booked", by_citizen=by_citizen)
        return appointment


def _lock(appointment: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    return locked


def do_move(
    appointment: Appointment,
    new_slot: Slot,
    *,
    by: Any = None,
    by_citizen: bool = False,
) -> Appointment:
    """Move to another slot: a new appointment takes the old one's place (status moved).

    A citizen may move only to a slot the link offers (offers.citizen_slots: the same office,
    and the rule of the app that owns the topic, e.g. a campaign's deadline).
    """
    with audit_context(action="move_appointment", appointment=appointment.pk), transaction.atomic():
        old = _lock(appointment)
        status = machine.next_status(old.status, "move")
        if by_citizen and new_slot.office_id != old.office_id:
            raise ValidationError(
                _("Si può scegliere solo un orario dello stesso ufficio."), code="other_office"
            )
        if new_slot.pk == old.slot_id:
            raise ValidationError(_("Il nuovo orario è uguale a quello attuale."), code="same")
        locked = _lock_free_slot(new_slot)
        if by_citizen and not offers.is_offered(old, locked):
            raise ValidationError(
                _("Questo orario non è tra quelli disponibili: scegline uno dall'elenco."),
                code="not_offered",
            )
        # Free the person's time first: the new slot may overlap the old one.
        old.status = status
        old.link_version += 1
        old.save(update_fields=["status", "link_version"])
        new = Appointment(
            slot=locked,
            person_id=old.person_id,
            office_id=locked.office_id,
            starts_at=locked.starts_at,
            ends_at=locked.ends_at,
            topic=old.topic,
            purpose=old.purpose,
            note=old.note,
            created_by_id=_user_pk(by),
        )
        _insert(new)
        old.moved_to = new
        old.save(update_fields=["moved_to"])
        _event(old, "moved", by, by_citizen, to=new.pk, slot=locked.pk)
        _event(new, "booked", by, by_citizen, moved_from=old.pk)
        _changed(new, "moved", previous=old, by_citizen=by_citizen)
        return new


def do_cancel(
    appointment: Appointment, *, reason: str, by: Any = None, by_citizen: bool = False
) -> Appointment:
    """Cancel (the person cannot come, or the office calls it off); the slot becomes free."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indica il motivo."), code="reason_required")
    with (
        audit_context(action="cancel_appointment", appointment=appointment.pk),
        transaction.atomic(),
    ):
        locked = _lock(appointment)
        locked.status = machine.next_status(locked.status, "cancel")
        locked.cancel_reason = reason[:200]
        locked.link_version += 1
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "cancel_reason", "link_version", "closed_at"])
        _event(locked, "cancelled", by, by_citizen, reason=locked.cancel_reason)
        _changed(locked, "cancelled", by_citizen=by_citizen)
        return locked


def do_confirm(
    appointment: Appointment, *, by: Any = None, by_citizen: bool = False
) -> Appointment:
    with (
        audit_context(action="confirm_appointment", appointment=appointment.pk),
        transaction.atomic(),
    ):
        locked = _lock(appointment)
        if locked.status == AppointmentStatus.CONFIRMED:
            return locked  # a second click on the link changes nothing
        locked.status = machine.next_status(locked.status, "confirm")
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_at"])
        _event(locked, "confirmed", by, by_citizen)
        _changed(locked, "confirmed", by_citizen=by_citizen)
        return locked


def do_check_in(appointment: Appointment, *, by: Any = None) -> Appointment:
    """The person has arrived at the office (reception)."""
    with (
        audit_context(action="check_in_appointment", appointment=appointment.pk),
        transaction.atomic(),
    ):
        locked = _lock(appointment)
        locked.status = machine.next_status(locked.status, "check_in")
        machine.check_time(locked, "check_in")
        locked.checked_in_at = timezone.now()
        locked.save(update_fields=["status", "checked_in_at"])
        _event(locked, "checked_in", by, False)
        _changed(locked, "checked_in")
        return locked


def do_close(appointment: Appointment, *, attended: bool, by: Any = None) -> Appointment:
    """Close the appointment as held (done) or as a no-show (missed), once its time has come."""
    kind = "done" if attended else "missed"
    with (
        audit_context(action="close_appointment", appointment=appointment.pk),
        transaction.atomic(),
    ):
        locked = _lock(appointment)
        locked.status = machine.next_status(locked.status, kind)
        machine.check_time(locked, kind)
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        _event(locked, kind, by, False)
        _changed(locked, kind)
        return locked
