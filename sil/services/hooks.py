"""What services contribute elsewhere: a person-page panel, timeline events and the SAP
sections 2 (dati amministrativi) and 6 (politiche attive) of the dossier export.

Services sits above the dossier: it registers into the dossier's SAP registry, so the dossier
never imports services.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.dossier import sap
from sil.people import panels, timeline
from sil.people.models import Person
from sil.services import pact_hooks
from sil.services.models import PolicyEvent, Profiling
from sil.services.queries import latest_gol_assessment, latest_profiling, policies_of, services_of


def panel_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    return services_of(person)


def timeline_events(person: Person) -> Iterator[timeline.TimelineEvent]:
    url = reverse("services:policy_list", args=[person.pk])
    events = (
        PolicyEvent.objects.filter(policy__person=person)
        .select_related("code", "policy")
        .order_by("date", "id")
    )
    for event in events:
        yield timeline.TimelineEvent(
            at=event.date,
            kind="policy",
            title=_("%(event)s: %(policy)s")
            % {"event": event.code.name, "policy": event.policy.title},
            detail=event.policy.policy_id,
            url=url,
        )
    for profiling in Profiling.objects.filter(person=person).order_by("profiled_on", "id"):
        yield timeline.TimelineEvent(
            at=profiling.profiled_on,
            kind="profiling",
            title=_("Profilazione ricevuta: indice %(index)s") % {"index": profiling.index},
            detail=_("modello %(version)s") % {"version": profiling.model_version},
        )


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def administrative_data(person: Person) -> dict[str, Any]:
    """SAP section 2, the part this app holds: profiling as received and the GOL pathway.
    The DID part belongs to the DID app."""
    profiling = latest_profiling(person)
    assessment = latest_gol_assessment(person)
    return {
        "profilazione": (
            {
                "indice": str(profiling.index),
                "classe": profiling.profiling_class or None,
                "versione_modello": profiling.model_version,
                "data": _date(profiling.profiled_on),
                "fonte": profiling.source,
            }
            if profiling is not None
            else None
        ),
        "percorso_gol": (
            {
                "percorso": assessment.path.number,
                "denominazione": assessment.path.name,
                "data": _date(assessment.decided_on),
                "scostamento": assessment.override,
                "motivazione_scostamento": assessment.override_reason or None,
            }
            if assessment is not None
            else None
        ),
    }


def active_policies(person: Person) -> list[dict[str, Any]]:
    """SAP section 6."""
    result = []
    for policy in policies_of(person):
        events = list(policy.events.all())
        last = events[-1] if events else None
        result.append(
            {
                "tipo_attivita": policy.activity_type,
                "denominazione": policy.title,
                "ente_promotore": {
                    "codice": policy.promoter_code or None,
                    "denominazione": policy.promoter or None,
                },
                "data_proposta": _date(policy.proposal_date),
                "data_inizio": _date(policy.start_date),
                "data_fine": _date(policy.end_date),
                "id_politica": policy.policy_id or None,
                "eventi": [
                    {"codice": e.code.code, "descrizione": e.code.name, "data": _date(e.date)}
                    for e in events
                ],
                "ultimo_evento": (
                    {
                        "codice": last.code.code,
                        "descrizione": last.code.name,
                        "data": _date(last.date),
                    }
                    if last is not None
                    else None
                ),
            }
        )
    return result


def register() -> None:
    panels.register(
        panels.PersonPanel(
            key="servizi",
            title=gettext_lazy("Politiche attive e profilazione"),
            template="services/_panel.html",
            order=40,
            context=panel_context,
        )
    )
    timeline.register_source("services", timeline_events)
    sap.register_section("dati_amministrativi", 2, administrative_data)
    sap.register_section("politiche_attive", 6, active_policies)
    pact_hooks.register()
