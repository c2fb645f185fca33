"""What the dossier contributes to the person page: a panel and timeline events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.dossier.models import Education, WorkExperience
from sil.dossier.queries import dossier_of
from sil.people import panels, timeline
from sil.people.models import Person


def panel_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    # The person page has already logged the read of the person.
    return dossier_of(person)


def timeline_events(person: Person) -> Iterator[timeline.TimelineEvent]:
    url = reverse("dossier:dossier_detail", args=[person.pk])
    for education in Education.objects.for_person(person).filter(year__isnull=False):
        # Only the year is known: the event sits on its last day.
        yield timeline.TimelineEvent(
            at=dt.date(education.year, 12, 31),
            kind="education",
            title=_("Titolo di studio: %(title)s") % {"title": education.title},
            detail=str(education.year),
            url=f"{url}#titoli",
        )
    for experience in WorkExperience.objects.for_person(person):
        yield timeline.TimelineEvent(
            at=experience.start_date,
            kind="work",
            title=_("Inizio lavoro presso %(employer)s") % {"employer": experience.employer_name},
            url=f"{url}#esperienze",
        )
        if experience.end_date:
            yield timeline.TimelineEvent(
                at=experience.end_date,
                kind="work",
                title=_("Fine lavoro presso %(employer)s") % {"employer": experience.employer_name},
                url=f"{url}#esperienze",
            )


def register() -> None:
    panels.register(
        panels.PersonPanel(
            key="fascicolo",
            title=gettext_lazy("Fascicolo: esperienze, titoli e competenze"),
            template="dossier/_panel.html",
            order=30,
            context=panel_context,
        )
    )
    timeline.register_source("dossier", timeline_events)
