"""What applications contribute to the person page: a panel and timeline events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.applications.models import ApplicationEvent
from sil.applications.queries import applications_of_person
from sil.people import panels, timeline
from sil.people.models import Person

PANEL_LIMIT = 10


def panel_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    # The person page has already logged the read of the person.
    applications = list(applications_of_person(person)[: PANEL_LIMIT + 1])
    return {
        "applications": applications[:PANEL_LIMIT],
        "more_applications": len(applications) > PANEL_LIMIT,
    }


def timeline_events(person: Person) -> Iterator[timeline.TimelineEvent]:
    events = (
        ApplicationEvent.objects.filter(application__person=person)
        .select_related("application__vacancy", "application__employer")
        .order_by("at", "id")
    )
    for event in events:
        application = event.application
        url = reverse("applications:application_detail", args=[application.pk])
        if not event.state_before:
            title = _("Candidatura: %(target)s") % {"target": application.target_name}
        else:
            title = _("Candidatura %(state)s: %(target)s") % {
                "state": event.get_state_after_display(),
                "target": application.target_name,
            }
        yield timeline.TimelineEvent(
            at=event.at,
            kind="application",
            title=title,
            detail=event.note,
            url=url,
        )


def register() -> None:
    panels.register(
        panels.PersonPanel(
            key="candidature",
            title=gettext_lazy("Candidature"),
            template="applications/_panel.html",
            order=60,
            context=panel_context,
        )
    )
    timeline.register_source("applications", timeline_events)
