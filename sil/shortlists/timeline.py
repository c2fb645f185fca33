"""Shortlist events in the timelines of the person and of the firm (registered in ready()).

The person's timeline shows when they were proposed to a firm and how it ended; the firm's
shows each shortlist it received and each outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from sil.people.timeline import TimelineEvent

if TYPE_CHECKING:
    from sil.employers.models import Employer
    from sil.people.models import Person


def person_events(person: Person) -> Iterable[TimelineEvent]:
    from sil.shortlists.models import ShortlistEntry

    entries = (
        ShortlistEntry.objects.filter(person=person, sent_at__isnull=False)
        .select_related("shortlist__vacancy__employer")
        .order_by("sent_at", "id")
    )
    for entry in entries:
        vacancy = entry.shortlist.vacancy
        url = reverse("shortlists:shortlist_detail", args=[entry.shortlist_id])
        names = {"title": vacancy.title, "employer": vacancy.employer.name}
        assert entry.sent_at is not None  # filtered above
        yield TimelineEvent(
            at=entry.sent_at,
            kind="shortlist",
            title=_("Proposto a %(employer)s per «%(title)s»") % names,
            url=url,
        )
        if entry.outcome and entry.outcome_at:
            yield TimelineEvent(
                at=entry.outcome_at,
                kind="shortlist_outcome",
                title=_("Esito della selezione per «%(title)s»: %(outcome)s")
                % {**names, "outcome": entry.get_outcome_display()},
                detail=entry.outcome_note,
                url=url,
            )


def employer_events(employer: Employer) -> Iterable[TimelineEvent]:
    from sil.shortlists.models import Shortlist, ShortlistEntry

    shortlists = (
        Shortlist.objects.filter(vacancy__employer=employer, sent_at__isnull=False)
        .select_related("vacancy")
        .order_by("sent_at", "id")
    )
    for shortlist in shortlists:
        assert shortlist.sent_at is not None  # filtered above
        yield TimelineEvent(
            at=shortlist.sent_at,
            kind="shortlist",
            title=_("Rosa di candidati ricevuta per «%(title)s»")
            % {"title": shortlist.vacancy.title},
            url="",  # shown to operators and to the firm: no page suits both
        )
    outcomes = (
        ShortlistEntry.objects.filter(
            shortlist__vacancy__employer=employer, outcome_at__isnull=False
        )
        .exclude(outcome="")
        .select_related("shortlist__vacancy", "person")
        .order_by("outcome_at", "id")
    )
    for entry in outcomes:
        assert entry.outcome_at is not None  # filtered above
        yield TimelineEvent(
            at=entry.outcome_at,
            kind="shortlist_outcome",
            title=_("%(person)s, «%(title)s»: %(outcome)s")
            % {
                "person": entry.person.full_name,
                "title": entry.shortlist.vacancy.title,
                "outcome": entry.get_outcome_display(),
            },
            detail=entry.outcome_note,
            url="",
        )
