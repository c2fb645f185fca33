"""Extension points: named stores that apps fill from their AppConfig.ready().

The kernel and the project package read these stores; they never import a domain app. Adding
an app means registering its entries here from its own `ready()`, with no edit elsewhere:

- `navigation`: menu entries per audience (operator, citizen, employer, public, desk, school),
  optionally grouped, with the roles that see them;
- `urls`: URL prefixes mounted by the project URLconf (`sil/urls.py`);
- `api_routes`: viewsets of the /api/v1/ router (`sil/api_urls.py`);
- `person_panels`: sections of the operator's person page;
- `timelines`: event sources per subject (``"person"``, ``"employer"``);
- `reference_data`: the reference tables an app loads with `sil refdata load`;
- `demo_steps`: what `sil demo_setup` runs, in order;
- `message_kinds`: the kinds of message the outbox sends, with their templates (MessageKind);
- `slot_rules`: per appointment topic, the rule that narrows the slots a citizen may move to;
- `sap_sections`, `search_sources`, `indicators`: the stores the SAP export, the site search
  and the observatory read.

See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.http import HttpRequest

from sil.core.commands import ErrorLog, Step

T = TypeVar("T")

# Audiences of navigation entries.
OPERATOR = "operator"
CITIZEN = "citizen"
EMPLOYER = "employer"
PUBLIC = "public"
DESK = "desk"
SCHOOL = "school"
AUDIENCES = frozenset({OPERATOR, CITIZEN, EMPLOYER, PUBLIC, DESK, SCHOOL})


class Store(Generic[T]):
    """Items keyed by `key(item)`; iterated by their `order` attribute, then registration order.

    Registering a second, different item under a key already taken is a configuration error:
    two apps must not silently replace each other's entries.
    """

    def __init__(self, name: str, key: Callable[[T], Hashable]) -> None:
        self.name = name
        self._key = key
        self._items: dict[Hashable, T] = {}

    def register(self, item: T) -> T:
        key = self._key(item)
        current = self._items.get(key)
        if current is not None and current != item:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is registered twice")
        self._items[key] = item
        return item

    def unregister(self, key: Hashable) -> None:
        self._items.pop(key, None)

    def get(self, key: Hashable) -> T | None:
        return self._items.get(key)

    def __iter__(self) -> Iterator[T]:
        items = list(self._items.values())
        return iter(sorted(items, key=lambda item: getattr(item, "order", 0)))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items


@dataclass(frozen=True)
class NavEntry:
    """One entry of the main navigation.

    `group`: the label of the drop-down the entry sits in (None: a top-level link).
    `roles`: shown only to holders of one of these roles (None: every user of the audience).
    `staff`: only Django staff users. `audiences`: who the entry is for. Entries whose URL
    name does not resolve are skipped.
    """

    label: Any
    url_name: str
    order: int = 100
    group: Any = None
    roles: frozenset[str] | None = None
    staff: bool = False
    audiences: frozenset[str] = frozenset({OPERATOR})


@dataclass(frozen=True)
class UrlMount:
    """`path(prefix, include(module))` in the project URLconf."""

    prefix: str
    module: str
    order: int = 100


@dataclass(frozen=True)
class ApiRoute:
    prefix: str
    viewset: Any
    basename: str
    order: int = 100


@dataclass(frozen=True)
class PersonPanel:
    key: str  # unique, also the HTML id of the section
    title: Any  # lazily translated
    template: str  # rendered with the context below plus `person` and `panel`
    order: int
    context: Callable[[HttpRequest, Any], dict[str, Any]]


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime | dt.date  # a date when only the day is known (dates of legal effect)
    kind: str  # e.g. "registration", "did", "policy", "education"
    title: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class TimelineSource:
    """A function returning the events of one subject (a Person, an Employer…)."""

    subject: str
    name: str
    events: Callable[[Any], Iterable[TimelineEvent]]
    order: int = 100


@dataclass(frozen=True)
class Extension:
    """A named callable with an order: demo steps, SAP sections, search sources, indicators."""

    name: str
    run: Callable[..., Any]
    order: int = 100
    label: Any = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class RunCommand:
    """A demo step that runs `sil <name> <args…>` with the demo's verbosity and output streams."""

    name: str
    args: tuple[str, ...] = ()

    def __call__(self, **options: Any) -> None:
        call_command(self.name, *self.args, **options)


@dataclass(frozen=True)
class ReferenceSource:
    """One app's reference tables, loaded by `sil refdata load` in one transaction with the others.

    `read_directory(folder, errors)` and `read_packages(errors)` (None: the app has nothing from
    installed packages) parse and validate, reporting every bad row to `errors`; `plan(data)`
    turns what they read into the (label, write) steps run once every source read cleanly.
    `shipped` is the folder of files that ship with the app, read when no folder is given.
    """

    name: str
    shipped: Path
    read_directory: Callable[[Path, ErrorLog], Any]
    plan: Callable[[Any], list[Step]]
    read_packages: Callable[[ErrorLog], Any] | None = None
    order: int = 100


@dataclass(frozen=True)
class MessageKind:
    """A kind of message sent through the outbox, with a Django template per channel and part.

    The templates are `<templates>/<channel>_subject.txt` (not for SMS) and
    `<templates>/<channel>_body.txt`, rendered in the recipient's language. `name` is stored on
    every outbox row of this kind, e.g. ``"shortlists.shortlist_sent"``.
    """

    name: str
    label: Any  # lazily translated, shown on the outbox pages
    templates: str
    channels: frozenset[str] = frozenset({"email"})
    order: int = 100

    def template(self, channel: str, part: str) -> str:
        return f"{self.templates}/{channel}_{part}.txt"


class Registry:
    def __init__(self) -> None:
        self.navigation: Store[NavEntry] = Store("navigation", lambda e: (e.audiences, e.url_name))
        self.urls: Store[UrlMount] = Store("urls", lambda m: m.prefix)
        self.api_routes: Store[ApiRoute] = Store("api_routes", lambda r: r.prefix)
        self.person_panels: Store[PersonPanel] = Store("person_panels", lambda p: p.key)
        self.timelines: Store[TimelineSource] = Store("timelines", lambda s: (s.subject, s.name))
        self.reference_data: Store[ReferenceSource] = Store("reference_data", lambda s: s.name)
        # Demo steps: `run(verbosity=…, stdout=…, stderr=…)`, idempotent; lower orders first.
        self.demo_steps: Store[Extension] = Store("demo_steps", lambda e: e.name)
        self.sap_sections: Store[Extension] = Store("sap_sections", lambda e: e.name)
        # Topic prefix ("campaign") → rule(appointment, slots) narrowing what a citizen's link offers.
        self.slot_rules: Store[Extension] = Store("slot_rules", lambda e: e.name)
        self.message_kinds: Store[MessageKind] = Store("message_kinds", lambda k: k.name)
        self.search_sources: Store[Extension] = Store("search_sources", lambda e: e.name)
        self.indicators: Store[Extension] = Store("indicators", lambda e: e.name)

    def stores(self) -> dict[str, Store[Any]]:
        return {name: value for name, value in vars(self).items() if isinstance(value, Store)}


registry = Registry()


def _sort_key(event: TimelineEvent) -> dt.datetime:
    at = event.at
    if isinstance(at, dt.datetime):
        return at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(at, dt.time.max, tzinfo=dt.UTC)


def timeline(subject: str, obj: Any) -> list[TimelineEvent]:
    """Every registered source's events for `obj` of kind `subject`, newest first."""
    events = [
        event
        for source in registry.timelines
        if source.subject == subject
        for event in source.events(obj)
    ]
    return sorted(events, key=_sort_key, reverse=True)
