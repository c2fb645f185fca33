"""One chronological view of everything that happened to a person.

Each app registers a source in its AppConfig.ready() (the registry's `timelines` store, subject
"person"): a function returning the person's events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sil.core.registry import TimelineEvent, TimelineSource, registry
from sil.core.registry import timeline as subject_timeline

if TYPE_CHECKING:
    from sil.people.models import Person

__all__ = ["SUBJECT", "TimelineEvent", "register_source", "timeline"]

SUBJECT = "person"


def register_source(name: str, source: Callable[[Any], Iterable[TimelineEvent]]) -> None:
    registry.timelines.register(TimelineSource(SUBJECT, name, source))


def timeline(person: Person) -> list[TimelineEvent]:
    """Newest first."""
    return subject_timeline(SUBJECT, person)
