"""One chronological view of everything that happened to a person.

Each app registers a source in its AppConfig.ready(): a function returning the person's events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sil.people.models import Person


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime | dt.date  # a date when only the day is known (dates of legal effect)
    kind: str  # e.g. "registration", "did", "policy", "education"
    title: str
    detail: str = ""
    url: str = ""


Source = Callable[["Person"], Iterable[TimelineEvent]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    _SOURCES[name] = source


def _sort_key(event: TimelineEvent) -> dt.datetime:
    at = event.at
    if isinstance(at, dt.datetime):
        return at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(at, dt.time.max, tzinfo=dt.UTC)


def timeline(person: Person) -> list[TimelineEvent]:
    """Newest first."""
    events = [event for source in _SOURCES.values() for event in source(person)]
    return sorted(events, key=_sort_key, reverse=True)
