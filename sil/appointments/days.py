"""Working days of an office: opening hours, closures and Italian public holidays.

Public holidays come from the `holidays` library: the national ones (including 4 October
since 2026) for every office, plus the patron saint's day of the provincial capital for an
office located in that capital (the library knows them by province). Patron days of other
towns, and any other closure, are Closure rows (per office, or for every office).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import holidays
from django.db.models import Q

from sil.appointments.models import Closure, OpeningHours
from sil.territory.models import Office

_SUBDIVISIONS = frozenset(holidays.country_holidays("IT").subdivisions)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


@lru_cache(maxsize=256)
def _holidays(subdiv: str | None, years: tuple[int, ...]) -> dict[dt.date, str]:
    it = holidays.country_holidays("IT", subdiv=subdiv, years=years, language="it")
    return dict(it.items())


def patron_subdivision(office: Office) -> str | None:
    """The `holidays` subdivision whose patron day applies to the office, if any."""
    municipality = office.municipality
    if municipality is None:
        return None
    province = municipality.province
    code = municipality.province_code or (province.code if province is not None else "")
    if code not in _SUBDIVISIONS:
        return None
    capital = province.name if province is not None else ""
    # Provinces named after two towns (e.g. "Barletta-Andria-Trani") list each town apart.
    towns = {_fold(part) for part in capital.replace("/", "-").split("-")} | {_fold(capital)}
    return code if _fold(municipality.name) in towns else None


def public_holidays(office: Office | None, years: Iterable[int]) -> dict[dt.date, str]:
    """Holiday → name (Italian) for the office; national only when office is None."""
    subdiv = patron_subdivision(office) if office is not None else None
    return _holidays(subdiv, tuple(sorted(set(years))))


def closed_days(office: Office, date_from: dt.date, date_to: dt.date) -> dict[dt.date, str]:
    """Every day in the range the office is closed (holiday or closure), with the reason."""
    years = range(date_from.year, date_to.year + 1)
    days = {
        day: name
        for day, name in public_holidays(office, years).items()
        if date_from <= day <= date_to
    }
    for day, reason in (
        Closure.objects.filter(date__range=(date_from, date_to))
        .filter(Q(office=office) | Q(office__isnull=True))
        .values_list("date", "reason")
    ):
        days.setdefault(day, reason)
    return days


def opening_hours(office: Office) -> dict[int, list[tuple[dt.time, dt.time]]]:
    """weekday → [(opens, closes), …] of the office."""
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in OpeningHours.objects.filter(office=office).values_list(
        "weekday", "opens", "closes"
    ):
        hours.setdefault(weekday, []).append((opens, closes))
    return hours


def within_hours(
    hours: dict[int, list[tuple[dt.time, dt.time]]], weekday: int, starts: dt.time, ends: dt.time
) -> bool:
    """True when [starts, ends] lies inside one opening period of that weekday.

    An office with no opening hours recorded at all is not restricted (hours unknown).
    """
    if not hours:
        return True
    return any(opens <= starts and ends <= closes for opens, closes in hours.get(weekday, []))
