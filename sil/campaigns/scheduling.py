"""Capacity forecast and bulk scheduling of a campaign's convocations into appointment slots.

forecast(campaign)            how many people each CPI must see, the free slots it has per working
                              day (capped by the campaign's per-day capacity) and the day the last
                              person would be seen; read only.
schedule_campaign(campaign)   books every assigned convocation without an appointment into the
                              earliest free slot of its CPI, never after the deadline, at most
                              `per_day` a day, balanced over the CPI's calendars. One INSERT …
                              SELECT per office, so 127,000 people take seconds, not hours.
reschedule_convocation(c)     one person again (e.g. a justified absence), through do_book.

A CPI without an OfficeCapacity row is limited only by its free slots; `per_day = 0` means the
CPI receives nobody for this campaign.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from sil.appointments.models import LIVE_STATUSES, Appointment, Slot, SlotQuerySet
from sil.core.audit import audit_context

if TYPE_CHECKING:
    from sil.campaigns.models import Campaign, Convocation

Progress = Callable[[int, int], None]

_LIVE = tuple(str(s) for s in LIVE_STATUSES)


def first_day(campaign: Campaign) -> dt.date:
    """The first day people can be received: the campaign's start, never before tomorrow."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if campaign.starts_on and campaign.starts_on > tomorrow:
        return campaign.starts_on
    return tomorrow


def _window(campaign: Campaign) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    start = first_day(campaign)
    end = campaign.deadline
    tz = timezone.get_default_timezone()
    lower = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    upper = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    # Never offer a slot that has already begun (the first day may be today in tests and demos).
    lower = max(lower, timezone.now())
    return start, end, lower, upper


# Free slots of the campaign's offices inside the window: active calendar, not blocked, not on a
# closure day, no live appointment. Shared by the forecast and the scheduler.
_FREE_SLOTS = """
    SELECT s.id, s.office_id, s.calendar_id, s.starts_at, s.ends_at,
           (s.starts_at AT TIME ZONE %(tz)s)::date AS day
      FROM appointments_slot s
      JOIN appointments_calendar k ON k.id = s.calendar_id AND k.is_active
     WHERE s.office_id = ANY(%(offices)s)
       AND NOT s.is_blocked
       AND s.starts_at >= %(lower)s AND s.starts_at < %(upper)s
       AND NOT EXISTS (
             SELECT 1 FROM appointments_appointment a
              WHERE a.slot_id = s.id AND a.status = ANY(%(live)s))
       AND NOT EXISTS (
             SELECT 1 FROM appointments_closure z
              WHERE z.date = (s.starts_at AT TIME ZONE %(tz)s)::date
                AND (z.office_id IS NULL OR z.office_id = s.office_id))
"""

# Live appointments this campaign already holds, per office and day: they use up `per_day`.
_BOOKED = """
    SELECT a.office_id, (a.starts_at AT TIME ZONE %(tz)s)::date AS day, count(*) AS n
      FROM appointments_appointment a
     WHERE a.topic = %(topic)s AND a.status = ANY(%(live)s)
       AND a.office_id = ANY(%(offices)s)
       AND a.starts_at >= %(lower)s AND a.starts_at < %(upper)s
     GROUP BY 1, 2
"""


def _params(campaign: Campaign, offices: list[int]) -> dict[str, Any]:
    _start, _end, lower, upper = _window(campaign)
    return {
        "tz": settings.TIME_ZONE,
        "offices": offices,
        "lower": lower,
        "upper": upper,
        "live": list(_LIVE),
        "topic": campaign.topic,
        "campaign": campaign.pk,
    }


def _needed_by_office(campaign: Campaign) -> dict[int, int]:
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT office_id, count(*) FROM campaigns_convocation
             WHERE campaign_id = %s AND state = 'assigned'
               AND appointment_id IS NULL AND office_id IS NOT NULL
             GROUP BY office_id
            """,
            [campaign.pk],
        )
        return dict(cur.fetchall())


def citizen_slots(appointment: Appointment, slots: SlotQuerySet) -> SlotQuerySet:
    """The slots a convoked person may move to on their link: the scheduler's rules.

    Registered for the "campaign" topic in CampaignsConfig.ready() (sil.appointments.offers):
    never after the campaign's deadline and under its per-day capacity at the office, the
    person's own appointment not counted. Unlike the scheduler it may offer a slot sooner than
    the first day the campaign calls people (the person chooses to come earlier).
    """
    from sil.campaigns.models import Campaign as CampaignModel
    from sil.campaigns.models import OfficeCapacity
    from sil.campaigns.receivers import campaign_id_of

    campaign_id = campaign_id_of(appointment.topic)
    campaign = CampaignModel.objects.filter(pk=campaign_id).first() if campaign_id else None
    if campaign is None:
        return slots
    _start, _end, _lower, upper = _window(campaign)
    lower = timezone.now()
    slots = slots.filter(starts_at__lt=upper)
    per_day = (
        OfficeCapacity.objects.filter(campaign=campaign, office_id=appointment.office_id)
        .values_list("per_day", flat=True)
        .first()
    )
    if per_day is None:
        return slots
    full_days = (
        Appointment.objects.live()
        .filter(
            topic=campaign.topic,
            office_id=appointment.office_id,
            starts_at__gte=lower,
            starts_at__lt=upper,
        )
        .exclude(pk=appointment.pk)
        .annotate(day=TruncDate("starts_at"))
        .values("day")
        .annotate(n=Count("id"))
        .filter(n__gte=per_day)
        .values("day")
    )
    return slots.exclude(Q(local_day__in=full_days))  # local_day: offers.citizen_slots


# ---------------------------------------------------------------------------------------------
# Forecast


@dataclass
class DaySlots:
    day: dt.date
    free: int  # free slots that day
    capacity: int  # of which usable by this campaign (per-day cap minus already booked)
    used: int = 0  # how many the projection fills

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat()}


@dataclass
class OfficeForecast:
    office_id: int
    code: str
    name: str
    needed: int
    per_day: int | None
    days: list[DaySlots] = field(default_factory=list)
    capacity: int = 0
    last_day: dt.date | None = None
    shortfall: int = 0
    # Working days more at the per-day rate that the shortfall would need (None: no rate known).
    extra_days: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["days"] = [d.as_dict() for d in self.days]
        data["last_day"] = self.last_day.isoformat() if self.last_day else None
        return data


@dataclass
class Forecast:
    campaign_id: int
    first_day: dt.date
    deadline: dt.date
    offices: list[OfficeForecast]
    days: list[DaySlots]  # all offices together
    needed: int
    capacity: int
    shortfall: int
    last_day: dt.date | None

    @property
    def feasible(self) -> bool:
        return self.shortfall == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "first_day": self.first_day.isoformat(),
            "deadline": self.deadline.isoformat(),
            "needed": self.needed,
            "capacity": self.capacity,
            "shortfall": self.shortfall,
            "feasible": self.feasible,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "offices": [o.as_dict() for o in self.offices],
            "days": [d.as_dict() for d in self.days],
        }


def _capacity_rows(
    campaign: Campaign, offices: list[int]
) -> list[tuple[int, dt.date, int, int | None, int]]:
    """(office, day, free slots, per_day or None, already booked) for every day with a free slot."""
    sql = f"""
        WITH free AS (
            SELECT office_id, day, count(*) AS n FROM ({_FREE_SLOTS}) f GROUP BY 1, 2
        ), booked AS ({_BOOKED})
        SELECT f.office_id, f.day, f.n, cap.per_day, COALESCE(b.n, 0)
          FROM free f
          LEFT JOIN campaigns_officecapacity cap
                 ON cap.campaign_id = %(campaign)s AND cap.office_id = f.office_id
          LEFT JOIN booked b ON b.office_id = f.office_id AND b.day = f.day
         ORDER BY f.office_id, f.day
    """  # noqa: S608 - fragments are ours, values are parameters
    with connection.cursor() as cur:
        cur.execute(sql, _params(campaign, offices))
        return list(cur.fetchall())


def forecast(campaign: Campaign) -> Forecast:
    """What scheduling the campaign now would give, office by office and day by day."""
    from sil.campaigns.models import OfficeCapacity
    from sil.territory.models import Office

    start, end, _lower, _upper = _window(campaign)
    needed = _needed_by_office(campaign)
    office_ids = sorted(needed)
    names = {o.pk: (o.code, o.name) for o in Office.objects.filter(pk__in=office_ids)}
    caps = dict(
        OfficeCapacity.objects.filter(campaign=campaign, office__in=office_ids).values_list(
            "office_id", "per_day"
        )
    )
    offices = {
        pk: OfficeForecast(pk, names[pk][0], names[pk][1], needed[pk], caps.get(pk))
        for pk in office_ids
    }
    for office_id, day, free, per_day, booked in _capacity_rows(campaign, office_ids):
        usable = free if per_day is None else max(0, min(free, per_day - booked))
        offices[office_id].days.append(DaySlots(day, free, usable))

    overall: dict[dt.date, DaySlots] = {}
    for office in offices.values():
        left = office.needed
        for slots in office.days:
            office.capacity += slots.capacity
            slots.used = min(left, slots.capacity)
            left -= slots.used
            if slots.used:
                office.last_day = slots.day
            total = overall.setdefault(slots.day, DaySlots(slots.day, 0, 0, 0))
            total.free += slots.free
            total.capacity += slots.capacity
            total.used += slots.used
        office.shortfall = left
        if left and office.per_day:
            office.extra_days = math.ceil(left / office.per_day)
    rows = sorted(offices.values(), key=lambda o: o.code)
    last_days = [o.last_day for o in rows if o.last_day]
    return Forecast(
        campaign_id=campaign.pk,
        first_day=start,
        deadline=end,
        offices=rows,
        days=[overall[d] for d in sorted(overall)],
        needed=sum(o.needed for o in rows),
        capacity=sum(o.capacity for o in rows),
        shortfall=sum(o.shortfall for o in rows),
        last_day=max(last_days) if last_days else None,
    )


# ---------------------------------------------------------------------------------------------
# Scheduling


@dataclass
class ScheduleResult:
    scheduled: int = 0
    # Keyed by office code: people left without a slot (no capacity before the deadline).
    unscheduled_by_office: dict[str, int] = field(default_factory=dict)
    last_day_by_office: dict[str, dt.date] = field(default_factory=dict)
    # People whose slot clashed with another live appointment of theirs, booked one by one.
    conflicts: int = 0

    @property
    def unscheduled(self) -> int:
        return sum(self.unscheduled_by_office.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheduled": self.scheduled,
            "unscheduled": self.unscheduled,
            "unscheduled_by_office": self.unscheduled_by_office,
            "last_day_by_office": {k: v.isoformat() for k, v in self.last_day_by_office.items()},
            "conflicts": self.conflicts,
        }


# One office at a time. Slots are numbered round robin over the office's calendars within a
# day (the first slot of every operator, then the second…), capped at the remaining per-day
# capacity, then numbered across days; the n-th person in list order gets the n-th slot.
# ON CONFLICT DO NOTHING covers both constraints that may bite: a slot booked meanwhile by a
# single booking, and a person who already holds an overlapping appointment.
_SCHEDULE_OFFICE = f"""
    WITH conv AS (
        SELECT c.id, c.person_id,
               row_number() OVER (ORDER BY c.row NULLS LAST, c.id) AS rn
          FROM campaigns_convocation c
         WHERE c.campaign_id = %(campaign)s AND c.office_id = %(office)s
           AND c.state = 'assigned' AND c.appointment_id IS NULL
    ), free AS ({_FREE_SLOTS}),
    booked AS ({_BOOKED}),
    ranked AS (
        SELECT f.*, row_number() OVER (PARTITION BY f.calendar_id, f.day ORDER BY f.starts_at) AS k
          FROM free f
    ), daily AS (
        SELECT r.*, row_number() OVER (
                   PARTITION BY r.day ORDER BY r.k, r.starts_at, r.calendar_id) AS d
          FROM ranked r
    ), capped AS (
        SELECT d.* FROM daily d
          LEFT JOIN booked b ON b.day = d.day
         WHERE %(per_day)s::int IS NULL OR d.d <= %(per_day)s::int - COALESCE(b.n, 0)
    ), numbered AS (
        SELECT c.*, row_number() OVER (ORDER BY c.day, c.d) AS rn FROM capped c
    ), ins AS (
        INSERT INTO appointments_appointment
               (slot_id, person_id, office_id, starts_at, ends_at, status, topic, purpose, note,
                link_version, created_by_id, created_at, cancel_reason)
        SELECT n.id, conv.person_id, n.office_id, n.starts_at, n.ends_at, 'booked', %(topic)s,
               %(purpose)s, '', 1, %(by)s, now(), ''
          FROM conv JOIN numbered n ON n.rn = conv.rn
        ON CONFLICT DO NOTHING
        RETURNING id, person_id, starts_at
    ), upd AS (
        -- Back to the convocation through conv (by primary key), never by a scan of the campaign.
        UPDATE campaigns_convocation c SET appointment_id = ins.id, updated_at = now()
          FROM ins JOIN conv ON conv.person_id = ins.person_id
         WHERE c.id = conv.id
        RETURNING c.id, ins.id AS appointment_id
    ), ev AS (
        INSERT INTO appointments_appointmentevent (appointment_id, kind, at, by_id, by_citizen, data)
        SELECT ins.id, 'booked', now(), %(by)s, false, %(event)s::jsonb FROM ins
    ), cev AS (
        INSERT INTO campaigns_convocationevent (convocation_id, kind, at, by_id, data)
        SELECT upd.id, 'scheduled', now(), %(by)s,
               jsonb_build_object('appointment', upd.appointment_id)
          FROM upd
    )
    SELECT count(*), max((starts_at AT TIME ZONE %(tz)s)::date),
           (SELECT count(*) FROM conv JOIN numbered n ON n.rn = conv.rn)
      FROM ins
"""  # noqa: S608 - fragments are ours, values are parameters


# Tables a campaign fills in bulk (COPY of a whole list, one INSERT per office): their planner
# statistics lag behind until autovacuum comes by, and with a stale "empty table" estimate
# the per-office statement picks nested loops that turn seconds into minutes.
BULK_TABLES = ("campaigns_convocation", "appointments_appointment")


def refresh_statistics(tables: tuple[str, ...] = BULK_TABLES) -> None:
    """ANALYZE the bulk-filled tables (a sample: a fraction of a second at 127,000 rows).

    Inside a transaction too: the sample counts the rows this transaction wrote.
    """
    with connection.cursor() as cur:
        cur.execute("ANALYZE " + ", ".join(tables))


def schedule_campaign(
    campaign: Campaign, *, by: Any = None, progress: Progress | None = None
) -> ScheduleResult:
    """Book every assigned convocation still without an appointment; send nothing.

    Runs in one transaction with the campaign row locked, so two runs never overlap; callers
    may wrap it in their own transaction to enqueue the invitations atomically. Per-row
    signals are not sent (bulk): the caller knows what it scheduled from the convocations.
    """
    from sil.campaigns.models import Campaign as CampaignModel
    from sil.campaigns.models import Convocation, OfficeCapacity
    from sil.territory.models import Office

    result = ScheduleResult()
    with audit_context(action="schedule_campaign", campaign=campaign.pk), transaction.atomic():
        CampaignModel.objects.select_for_update().filter(pk=campaign.pk).first()
        refresh_statistics()
        analyzed_at = 0  # appointments this run had booked at the last ANALYZE
        needed = _needed_by_office(campaign)
        caps = dict(
            OfficeCapacity.objects.filter(campaign=campaign).values_list("office_id", "per_day")
        )
        codes = dict(Office.objects.filter(pk__in=needed).values_list("pk", "code"))
        purpose = str(campaign.name)[:200]
        total = len(needed)
        for i, office_id in enumerate(sorted(needed, key=lambda pk: codes[pk]), start=1):
            if result.scheduled - analyzed_at > analyzed_at // 4 + 500:
                # The table grew under the planner's feet: an estimate of "no appointments"
                # turns the free-slot anti-join into a nested loop (minutes at full size).
                refresh_statistics(("appointments_appointment",))
                analyzed_at = result.scheduled
            params = _params(campaign, [office_id])
            params.update(
                office=office_id,
                per_day=caps.get(office_id),
                purpose=purpose,
                by=getattr(by, "pk", None),
                event='{"bulk": true}',
            )
            with connection.cursor() as cur:
                cur.execute(_SCHEDULE_OFFICE, params)
                done, last_day, matched = cur.fetchone()
            code = codes[office_id]
            result.scheduled += done
            if last_day:
                result.last_day_by_office[code] = last_day
            clashes = matched - done
            if clashes:
                # Rare: the person already holds an appointment at that time. Book them singly.
                result.conflicts += clashes
                left = Convocation.objects.filter(
                    campaign=campaign, office_id=office_id, state="assigned", appointment=None
                ).order_by("row", "pk")[:clashes]
                for conv in left:
                    if reschedule_convocation(conv, by=by) is not None:
                        result.scheduled += 1
                        day = timezone.localdate(conv.appointment.starts_at)  # type: ignore[union-attr]
                        if day > result.last_day_by_office.get(code, day):
                            result.last_day_by_office[code] = day
            if needed[office_id] - done > 0:
                remaining = Convocation.objects.filter(
                    campaign=campaign, office_id=office_id, state="assigned", appointment=None
                ).count()
                if remaining:
                    result.unscheduled_by_office[code] = remaining
            if progress:
                progress(i, total)
    return result


def reschedule_convocation(convocation: Convocation, *, by: Any = None) -> Appointment | None:
    """Book one person into the earliest free slot of their CPI before the deadline.

    Used for justified absences and for the rare clash of the bulk run. Respects the per-day
    capacity; returns None when nothing is free. Sets Convocation.appointment; the caller moves
    the convocation's state and enqueues messages (the booked signal fires from do_book).
    """
    from sil.appointments.actions import SlotTaken, do_book
    from sil.campaigns.models import OfficeCapacity

    campaign = convocation.campaign
    if convocation.office_id is None:
        return None
    per_day = (
        OfficeCapacity.objects.filter(campaign=campaign, office_id=convocation.office_id)
        .values_list("per_day", flat=True)
        .first()
    )
    params = _params(campaign, [convocation.office_id])
    params.update(per_day=per_day, person=convocation.person_id)
    sql = f"""
        WITH free AS ({_FREE_SLOTS}), booked AS ({_BOOKED}),
        counted AS (
            SELECT f.id, f.day, f.starts_at, f.calendar_id FROM free f
              LEFT JOIN booked b ON b.office_id = f.office_id AND b.day = f.day
             WHERE %(per_day)s::int IS NULL OR COALESCE(b.n, 0) < %(per_day)s::int
        ),
        load AS (
            SELECT s.calendar_id, (a.starts_at AT TIME ZONE %(tz)s)::date AS day, count(*) AS n
              FROM appointments_appointment a JOIN appointments_slot s ON s.id = a.slot_id
             WHERE a.office_id = ANY(%(offices)s) AND a.status = ANY(%(live)s)
               AND a.starts_at >= %(lower)s AND a.starts_at < %(upper)s
             GROUP BY 1, 2
        )
        SELECT c.id FROM counted c
          LEFT JOIN load l ON l.calendar_id = c.calendar_id AND l.day = c.day
         WHERE NOT EXISTS (
               SELECT 1 FROM appointments_appointment a, appointments_slot s
                WHERE s.id = c.id AND a.person_id = %(person)s AND a.status = ANY(%(live)s)
                  AND tstzrange(a.starts_at, a.ends_at) && tstzrange(s.starts_at, s.ends_at))
         -- Earliest first; at equal times the operator with the lighter day.
         ORDER BY c.starts_at, COALESCE(l.n, 0), c.calendar_id
         LIMIT 20
    """  # noqa: S608 - fragments are ours, values are parameters
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            candidates = [row[0] for row in cur.fetchall()]
        slots = Slot.objects.in_bulk(candidates)
        for slot in (slots[pk] for pk in candidates if pk in slots):
            try:
                with transaction.atomic():
                    appointment = do_book(
                        convocation.person,
                        slot,
                        topic=campaign.topic,
                        purpose=str(campaign.name)[:200],
                        by=by,
                    )
            except SlotTaken:
                continue  # taken meanwhile: try the next one
            convocation.appointment = appointment
            convocation.save(update_fields=["appointment", "updated_at"])
            return appointment
    return None
