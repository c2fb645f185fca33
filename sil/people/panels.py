"""Sections of the person page contributed by other apps (DID, dossier, services…).

An app registers its panels in its AppConfig.ready() (the registry's `person_panels` store);
the person page renders them in order. People depends on nobody here: the other apps depend on
people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from sil.core.registry import PersonPanel, registry

if TYPE_CHECKING:
    from sil.people.models import Person

__all__ = ["PersonPanel", "panels_for", "register"]


def register(panel: PersonPanel) -> None:
    registry.person_panels.register(panel)


def panels_for(request: HttpRequest, person: Person) -> list[dict[str, Any]]:
    """The panels of a person page, each with its rendered-ready context."""
    result = []
    for panel in sorted(registry.person_panels, key=lambda p: (p.order, p.key)):
        context = {"person": person, "panel": panel, **panel.context(request, person)}
        result.append({"panel": panel, "context": context})
    return result
