"""The registry's own events on the person timeline: registration, fiscal code changes, consents.

Registered in PeopleConfig.ready(). Reads the related rows through `.all()`, so a view that
prefetched them (the person page does) pays no extra query.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sil.people.timeline import TimelineEvent

if TYPE_CHECKING:
    from sil.people.models import Person


def people_events(person: Person) -> Iterator[TimelineEvent]:
    yield TimelineEvent(at=person.created_at, kind="registration", title=_("Registrazione"))
    for change in person.fiscal_code_changes.all():
        yield TimelineEvent(
            at=change.at,
            kind="fiscal_code",
            title=_("Codice fiscale variato (%(reason)s)")
            % {"reason": change.get_reason_display()},
            detail=f"{change.old_code} → {change.new_code}",
        )
    for consent in person.consents.all():
        title = _("Consenso prestato") if consent.given else _("Consenso revocato")
        yield TimelineEvent(
            at=consent.at, kind="consent", title=title, detail=consent.get_kind_display()
        )
