"""The DID's events in the person's timeline (registered by DidConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from sil.people.timeline import TimelineEvent

if TYPE_CHECKING:
    from sil.people.models import Person


def did_events(person: Person) -> Iterable[TimelineEvent]:
    from sil.did.models import DidEvent

    url = reverse("did:person_dids", args=[person.pk])
    events = DidEvent.objects.filter(did__person=person).order_by("effective_date", "id")
    for event in events:
        detail = _("Stato: %(state)s.") % {"state": event.get_state_after_display()}
        if event.reason:
            detail += " " + str(event.get_reason_display())
        yield TimelineEvent(
            at=event.effective_date,
            kind="did",
            title=_("DID: %(event)s") % {"event": event.get_kind_display()},
            detail=detail,
            url=url,
        )
