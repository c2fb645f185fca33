"""What the Patto di servizio contributes to the person page: a panel and timeline events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.people import panels, timeline
from sil.people.models import Person
from sil.services.models import PactState, ServicePact
from sil.services.pacts import pacts_of


def panel_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    pacts = pacts_of(person)
    open_states = (PactState.DRAFT, PactState.AWAITING_SIGNATURE)
    return {
        "pacts": pacts,
        "signed": next((p for p in pacts if p.state == PactState.SIGNED), None),
        "open": next((p for p in pacts if p.state in open_states), None),
    }


def timeline_events(person: Person) -> Iterator[timeline.TimelineEvent]:
    signed = (
        ServicePact.objects.filter(person=person, signed_at__isnull=False)
        .select_related("office")
        .only("id", "signed_at", "signature_method", "state", "office__name")
        .order_by("signed_at", "id")
    )
    for pact in signed:
        assert pact.signed_at is not None
        yield timeline.TimelineEvent(
            at=pact.signed_at,
            kind="pact",
            title=_("Patto di servizio firmato (%(method)s)")
            % {"method": pact.get_signature_method_display()},
            detail=pact.office.name,
            url=reverse("services:pact_detail", args=[pact.pk]),
        )


def register() -> None:
    panels.register(
        panels.PersonPanel(
            key="patto",
            title=gettext_lazy("Patto di servizio personalizzato"),
            template="services/pact_panel.html",
            order=41,
            context=panel_context,
        )
    )
    timeline.register_source("service_pacts", timeline_events)
