"""Anzianità di disoccupazione: days of unemployment status since the DID (SPEC §2).

Counted in calendar days, both ends included: from the DID date to `on_date`, or to the day
before the lapse or revocation when that comes first, minus the days of suspension (whose first
and last day both count as suspension days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sil.did.models import Did

LONG_TERM_DAYS = 365 + 1
SIX_MONTHS_DAYS = 180 + 1

Period = tuple[dt.date, dt.date | None]


@dataclass(frozen=True)
class Seniority:
    days: int
    long_term: bool
    six_months: bool

    @classmethod
    def of(cls, days: int) -> Seniority:
        return cls(days, days >= LONG_TERM_DAYS, days >= SIX_MONTHS_DAYS)


def seniority_days(
    did_date: dt.date,
    on_date: dt.date,
    suspensions: Iterable[Period] = (),
    ended_on: dt.date | None = None,
) -> int:
    """The pure rule: see the module docstring. Overlapping periods are counted once."""
    last = on_date
    if ended_on is not None:
        last = min(last, ended_on - dt.timedelta(days=1))
    if last < did_date:
        return 0
    total = (last - did_date).days + 1
    suspended: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(suspensions, key=lambda p: p[0]):
        start, end = max(start, did_date), min(end or last, last)
        if end < start:
            continue
        if suspended and start <= suspended[-1][1]:
            suspended[-1] = (suspended[-1][0], max(suspended[-1][1], end))
        else:
            suspended.append((start, end))
    return total - sum((end - start).days + 1 for start, end in suspended)


def unemployment_seniority_days(did: Did, on_date: dt.date) -> int:
    """Seniority of a DID on a day. Uses prefetched suspensions when present."""
    periods = [(s.start, s.end) for s in did.suspensions.all()]
    return seniority_days(did.did_date, on_date, periods, did.ended_on)


def seniority(did: Did, on_date: dt.date) -> Seniority:
    return Seniority.of(unemployment_seniority_days(did, on_date))
