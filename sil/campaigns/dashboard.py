"""Live figures of a campaign, per CPI and overall, and the projection of its completion date.

Two aggregate statements per page whatever the size of the campaign: the funnel per office
(convocations joined to their appointment and to the people with a delivered message) and the
outcomes per office and day. Everything else (totals, projections, charts) is arithmetic on
those rows in Python.

Definitions (docs/campaigns.md, "Dashboard"):
  invited     convocations with an invitation sent (invited_at set)
  delivered   people with at least one message of the campaign delivered or read
  confirmed   the person confirmed the appointment (by link or at the desk)
  seen        outcome "present" (PRES_PSP, PRES_AGG, PRES_NOPSP)
  signed      Patto signed (PRES_PSP, PRES_AGG)
  no-shows    ASS_GIUST + ASS_INGIUST
  remaining   convocations still open (not closed with an outcome)
The projection extrapolates the recent pace (convocations closed per working day over the
last WINDOW working days) over the working days ahead, weekends and national holidays skipped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import holidays
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sil.appointments.models import LIVE_STATUSES, Appointment
from sil.campaigns.models import Campaign, Convocation, ConvocationState, Outcome
from sil.notifications.models import MessageStatus, OutboxMessage
from sil.territory.models import Office

# Working days of recent activity the pace is measured on.
WINDOW = 10
# The progress chart never runs further than this many days past today.
CHART_HORIZON_DAYS = 370
# Beyond this many working days (50 years) a projection says only "late".
MAX_PROJECTED_DAYS = 12_500

PRESENT = (Outcome.PRES_PSP, Outcome.PRES_AGG, Outcome.PRES_NOPSP)
SIGNED = (Outcome.PRES_PSP, Outcome.PRES_AGG)
DELIVERED = (MessageStatus.DELIVERED, MessageStatus.READ)


# -- working days ---------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("IT", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days(first: dt.date, last: dt.date) -> int:
    """Working days from first to last, both included (0 when last < first)."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The count-th working day after start (start itself not counted); start when count <= 0."""
    day = start
    if count > 1000:  # far away: whole weeks first, then the exact count for the last stretch
        day += dt.timedelta(days=(count - 1000) // 5 * 7)
        count = 1000 + (count - 1000) % 5
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def previous_working_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


# -- figures --------------------------------------------------------------------------------


@dataclass
class Figures:
    total: int = 0
    invited: int = 0
    delivered: int = 0
    confirmed: int = 0
    scheduled: int = 0
    seen: int = 0
    signed: int = 0
    absent_justified: int = 0
    absent_unjustified: int = 0
    other_outcomes: int = 0
    closed: int = 0
    remaining: int = 0
    last_appointment: dt.datetime | None = None

    @property
    def no_shows(self) -> int:
        return self.absent_justified + self.absent_unjustified

    def add(self, other: Figures) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_appointment and (
            self.last_appointment is None or other.last_appointment > self.last_appointment
        ):
            self.last_appointment = other.last_appointment

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["no_shows"] = self.no_shows
        data["last_appointment"] = (
            self.last_appointment.isoformat() if self.last_appointment else None
        )
        return data


COUNTERS = (
    "total",
    "invited",
    "delivered",
    "confirmed",
    "scheduled",
    "seen",
    "signed",
    "absent_justified",
    "absent_unjustified",
    "other_outcomes",
    "closed",
    "remaining",
)


def _office_filter(office_ids: Iterable[int] | None) -> tuple[str, list[Any]]:
    if office_ids is None:
        return "", []
    return " AND c.office_id = ANY(%s)", [sorted(office_ids)]


def office_figures(
    campaign: Campaign, office_ids: Iterable[int] | None = None
) -> dict[int | None, Figures]:
    """The funnel per office (None: convocations without an office), in one statement."""
    where, params = _office_filter(office_ids)
    others = [o for o in Outcome.values if o not in (*PRESENT, "ASS_GIUST", "ASS_INGIUST")]
    sql = f"""
        SELECT c.office_id,
               count(*),
               count(*) FILTER (WHERE c.invited_at IS NOT NULL),
               count(*) FILTER (WHERE d.person_id IS NOT NULL),
               count(*) FILTER (WHERE c.state = %s OR a.confirmed_at IS NOT NULL),
               count(*) FILTER (WHERE c.state <> %s AND a.status = ANY(%s)),
               count(*) FILTER (WHERE c.outcome = ANY(%s)),
               count(*) FILTER (WHERE c.outcome = ANY(%s)),
               count(*) FILTER (WHERE c.outcome = %s),
               count(*) FILTER (WHERE c.outcome = %s),
               count(*) FILTER (WHERE c.outcome = ANY(%s)),
               count(*) FILTER (WHERE c.state = %s),
               count(*) FILTER (WHERE c.state <> %s),
               max(a.starts_at) FILTER (WHERE c.state <> %s)
          FROM {Convocation._meta.db_table} c
          LEFT JOIN {Appointment._meta.db_table} a ON a.id = c.appointment_id
          LEFT JOIN (
                SELECT DISTINCT person_id FROM {OutboxMessage._meta.db_table}
                 WHERE topic = %s AND status = ANY(%s)
               ) d ON d.person_id = c.person_id
         WHERE c.campaign_id = %s{where}
         GROUP BY c.office_id
    """  # noqa: S608 - table names are ours
    closed = ConvocationState.CLOSED
    arguments = [
        ConvocationState.CONFIRMED,
        closed,
        [str(status) for status in LIVE_STATUSES],
        list(PRESENT),
        list(SIGNED),
        Outcome.ASS_GIUST,
        Outcome.ASS_INGIUST,
        others,
        closed,
        closed,
        closed,
        campaign.topic,
        list(DELIVERED),
        campaign.pk,
        *params,
    ]
    result: dict[int | None, Figures] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        for row in cursor.fetchall():
            result[row[0]] = Figures(*row[1:])
    return result


@dataclass
class DailyPoint:
    day: dt.date
    seen: int
    closed: int


def daily_outcomes(
    campaign: Campaign, office_ids: Iterable[int] | None = None
) -> dict[int | None, list[DailyPoint]]:
    """Per office, per day (Rome time) of the outcome: people seen and convocations closed."""
    where, params = _office_filter(office_ids)
    sql = f"""
        SELECT c.office_id, (c.outcome_at AT TIME ZONE %s)::date AS day,
               count(*) FILTER (WHERE c.outcome = ANY(%s)),
               count(*) FILTER (WHERE c.state = %s)
          FROM {Convocation._meta.db_table} c
         WHERE c.campaign_id = %s AND c.outcome_at IS NOT NULL{where}
         GROUP BY 1, 2
         ORDER BY 1, 2
    """  # noqa: S608 - table names are ours
    result: dict[int | None, list[DailyPoint]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                str(timezone.get_current_timezone()),
                list(PRESENT),
                ConvocationState.CLOSED,
                campaign.pk,
                *params,
            ],
        )
        for office_id, day, seen, closed in cursor.fetchall():
            result.setdefault(office_id, []).append(DailyPoint(day, seen, closed))
    return result


def merge_daily(series: Iterable[list[DailyPoint]]) -> list[DailyPoint]:
    by_day: dict[dt.date, DailyPoint] = {}
    for points in series:
        for point in points:
            merged = by_day.setdefault(point.day, DailyPoint(point.day, 0, 0))
            merged.seen += point.seen
            merged.closed += point.closed
    return [by_day[day] for day in sorted(by_day)]


# -- projection -----------------------------------------------------------------------------


class ProjectionStatus:
    DONE = "done"
    ON_TIME = "on_time"
    LATE = "late"
    NO_DATA = "no_data"


@dataclass
class Projection:
    remaining: int
    deadline: dt.date
    # Convocations closed per working day, measured on window_days working days up to
    # window_end.
    rate: float
    window_days: int
    window_end: dt.date
    working_days_left: int
    # Per working day, to finish by the deadline.
    required_rate: float | None
    projected_on: dt.date | None
    status: str

    @property
    def on_time(self) -> bool:
        return self.status in (ProjectionStatus.DONE, ProjectionStatus.ON_TIME)

    @property
    def days_late(self) -> int:
        if self.projected_on is None or self.projected_on <= self.deadline:
            return 0
        return working_days(self.deadline + dt.timedelta(days=1), self.projected_on)

    @property
    def sentence(self) -> str:
        if self.status == ProjectionStatus.DONE:
            return _("Tutte le convocazioni sono esitate.")
        if self.status == ProjectionStatus.NO_DATA:
            return _(
                "Nessun esito registrato di recente: non è possibile stimare la data di "
                "completamento."
            )
        assert self.projected_on is not None
        day = date_format(self.projected_on, "j F Y")
        if self.status == ProjectionStatus.ON_TIME:
            return _("A questo ritmo l'ultima persona è ricevuta il %(day)s, entro il termine.") % {
                "day": day
            }
        return _(
            "A questo ritmo l'ultima persona è ricevuta il %(day)s, %(late)d giorni "
            "lavorativi dopo il termine."
        ) % {"day": day, "late": self.days_late}

    def as_dict(self) -> dict[str, Any]:
        return {
            "remaining": self.remaining,
            "deadline": self.deadline.isoformat(),
            "rate_per_working_day": round(self.rate, 2),
            "window_days": self.window_days,
            "window_end": self.window_end.isoformat(),
            "working_days_left": self.working_days_left,
            "required_rate_per_working_day": (
                round(self.required_rate, 2) if self.required_rate is not None else None
            ),
            "projected_on": self.projected_on.isoformat() if self.projected_on else None,
            "status": self.status,
        }


def project(
    remaining: int,
    daily: list[DailyPoint],
    *,
    today: dt.date,
    deadline: dt.date,
    window: int = WINDOW,
) -> Projection:
    """Extrapolate the recent pace of closed convocations to the date the last one closes.

    The pace is measured on the last `window` working days before today (today is not over:
    its count would pull the pace down), starting no earlier than the first day with an
    outcome. When the only outcomes are today's, today alone is the window. The projected day
    is the n-th working day after the window, n = ceil(remaining / pace).
    """
    active = [point for point in daily if point.closed and point.day <= today]
    first = active[0].day if active else None
    if first is not None and first < today:
        end = max(previous_working_day(today), first)
        start, counted = end, int(is_working_day(end))
        while counted < window:
            before = previous_working_day(start)
            if before < first:
                break
            start, counted = before, counted + 1
    else:
        end = start = today
        counted = 1
    closed = sum(p.closed for p in active if start <= p.day <= end)
    days = max(counted, 1)
    rate = closed / days
    left = working_days(end + dt.timedelta(days=1), deadline)
    required = remaining / left if left else None
    if remaining <= 0:
        last = active[-1].day if active else None
        return Projection(
            remaining, deadline, rate, days, end, left, required, last, ProjectionStatus.DONE
        )
    if rate <= 0:
        return Projection(
            remaining, deadline, rate, days, end, left, required, None, ProjectionStatus.NO_DATA
        )
    projected = add_working_days(end, min(math.ceil(remaining / rate), MAX_PROJECTED_DAYS))
    status = ProjectionStatus.ON_TIME if projected <= deadline else ProjectionStatus.LATE
    return Projection(remaining, deadline, rate, days, end, left, required, projected, status)


# -- the page's data ------------------------------------------------------------------------


@dataclass
class OfficeRow:
    office: Office | None
    figures: Figures
    projection: Projection


@dataclass
class Dashboard:
    campaign: Campaign
    today: dt.date
    totals: Figures
    projection: Projection
    daily: list[DailyPoint]
    rows: list[OfficeRow] = field(default_factory=list)
    office: Office | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.slug,
            "today": self.today.isoformat(),
            "office": self.office.code if self.office else None,
            "totals": self.totals.as_dict(),
            "projection": self.projection.as_dict(),
            "daily": [
                {"day": p.day.isoformat(), "seen": p.seen, "closed": p.closed} for p in self.daily
            ],
            "offices": [
                {
                    "office": row.office.code if row.office else None,
                    "name": row.office.name if row.office else None,
                    **row.figures.as_dict(),
                    "projection": row.projection.as_dict(),
                }
                for row in self.rows
            ],
        }


def campaign_dashboard(
    campaign: Campaign,
    *,
    office_ids: Iterable[int] | None = None,
    office: Office | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """The whole campaign (limited to office_ids when given, None = every office), or one
    office when `office` is given. Three queries: figures, daily outcomes, office names."""
    today = today or timezone.localdate()
    if office is not None:
        office_ids = [office.pk]
    scope = None if office_ids is None else list(office_ids)
    figures = office_figures(campaign, scope)
    daily = daily_outcomes(campaign, scope)
    known = [pk for pk in figures if pk is not None]
    offices = {o.pk: o for o in Office.objects.filter(pk__in=known)} if office is None else {}
    if office is not None:
        offices[office.pk] = office
    totals = Figures()
    rows = []
    for office_id, office_figures_ in figures.items():
        totals.add(office_figures_)
        rows.append(
            OfficeRow(
                office=offices.get(office_id) if office_id is not None else None,
                figures=office_figures_,
                projection=project(
                    office_figures_.remaining,
                    daily.get(office_id, []),
                    today=today,
                    deadline=campaign.deadline,
                ),
            )
        )
    rows.sort(key=lambda row: (row.office is None, row.office.name if row.office else ""))
    merged = merge_daily(daily.values())
    return Dashboard(
        campaign=campaign,
        today=today,
        totals=totals,
        projection=project(totals.remaining, merged, today=today, deadline=campaign.deadline),
        daily=merged,
        rows=rows,
        office=office,
    )


# -- charts (core/_chart.html: a Chart.js configuration and the same figures as a table) ----


def funnel_chart(figures: Figures) -> dict[str, Any]:
    steps = [
        (_("Convocati"), figures.total),
        (_("Invitati"), figures.invited),
        (_("Messaggio consegnato"), figures.delivered),
        (_("Confermati"), figures.confirmed),
        (_("Ricevuti"), figures.seen),
        (_("Patto firmato"), figures.signed),
        (_("Assenti"), figures.no_shows),
    ]
    return {
        "config": {
            "type": "bar",
            "data": {
                "labels": [label for label, _value in steps],
                "datasets": [{"label": _("Persone"), "data": [value for _label, value in steps]}],
            },
            "options": {"indexAxis": "y", "plugins": {"legend": {"display": False}}},
        },
        "table": {
            "headers": [_("Fase"), _("Persone")],
            "rows": [[label, value] for label, value in steps],
        },
    }


def progress_chart(dashboard: Dashboard) -> dict[str, Any]:
    """Convocations closed so far (cumulative), the projection at the recent pace, the pace
    needed to finish by the deadline, and the people seen per day."""
    campaign, today = dashboard.campaign, dashboard.today
    total = dashboard.totals.total
    projection = dashboard.projection
    first_candidates = [today]
    if dashboard.daily:
        first_candidates.append(dashboard.daily[0].day)
    if campaign.starts_on:
        first_candidates.append(campaign.starts_on)
    first = min(first_candidates)
    last = max(campaign.deadline, projection.projected_on or campaign.deadline, today)
    last = min(last, today + dt.timedelta(days=CHART_HORIZON_DAYS))
    span = (last - first).days
    days = [first + dt.timedelta(days=offset) for offset in range(span + 1)]
    by_day = {point.day: point for point in dashboard.daily}
    actual: list[int | None] = []
    seen: list[int | None] = []
    running = sum(point.closed for point in dashboard.daily if point.day < first)
    for day in days:
        point = by_day.get(day)
        running += point.closed if point else 0
        actual.append(running if day <= today else None)
        seen.append(point.seen if point else (0 if day <= today else None))
    done_today = running if not days else (actual[(today - first).days] or 0)
    projected: list[float | None] = [None] * len(days)
    target_day = projection.projected_on
    if target_day and projection.status != ProjectionStatus.DONE and target_day > today:
        length = (target_day - today).days
        for index, day in enumerate(days):
            if today <= day:
                share = min(1.0, (day - today).days / length)
                projected[index] = round(done_today + share * (total - done_today), 1)
    deadline_span = max((campaign.deadline - first).days, 1)
    target = [
        round(min(1.0, (day - first).days / deadline_span) * total, 1)
        if day <= campaign.deadline
        else None
        for day in days
    ]
    labels = [day.strftime("%d/%m/%Y") for day in days]
    table_rows: list[list[Any]] = []
    cumulative = 0
    for point in dashboard.daily:
        cumulative += point.closed
        table_rows.append([point.day.strftime("%d/%m/%Y"), point.seen, point.closed, cumulative])
    return {
        "config": {
            "type": "line",
            "data": {
                "labels": labels,
                "datasets": [
                    {"label": _("Esitati (cumulato)"), "data": actual, "pointRadius": 0},
                    {
                        "label": _("Proiezione al ritmo attuale"),
                        "data": projected,
                        "borderDash": [6, 4],
                        "pointRadius": 0,
                    },
                    {
                        "label": _("Ritmo necessario per il termine"),
                        "data": target,
                        "borderDash": [2, 4],
                        "pointRadius": 0,
                    },
                    {
                        "type": "bar",
                        "label": _("Ricevuti nel giorno"),
                        "data": seen,
                        "yAxisID": "y1",
                    },
                ],
            },
            "options": {
                "scales": {
                    "y": {"beginAtZero": True, "title": {"display": True, "text": _("Esitati")}},
                    "y1": {
                        "beginAtZero": True,
                        "position": "right",
                        "grid": {"drawOnChartArea": False},
                        "title": {"display": True, "text": _("Ricevuti nel giorno")},
                    },
                },
            },
        },
        "table": {
            "headers": [_("Giorno"), _("Ricevuti"), _("Esitati"), _("Esitati (cumulato)")],
            "rows": table_rows,
        },
    }
