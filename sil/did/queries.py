"""Reads other apps may use: a person's DIDs and their unemployment seniority."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from sil.did.models import Did
from sil.did.seniority import Seniority, seniority

if TYPE_CHECKING:
    from sil.people.models import Person


def current_did(person: Person) -> Did | None:
    """The DID in force, if any (with its suspensions prefetched)."""
    return Did.objects.open().filter(person=person).with_history().first()


def person_seniority(person: Person, on_date: dt.date | None = None) -> Seniority | None:
    did = current_did(person)
    if did is None:
        return None
    return seniority(did, on_date or timezone.localdate())
