"""Sections of the person page contributed by other apps (DID, dossier, services…).

An app registers its panels in its AppConfig.ready(); the person page renders them in order.
People depends on nobody here: the other apps depend on people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from sil.people.models import Person


@dataclass(frozen=True)
class PersonPanel:
    key: str  # unique, also the HTML id of the section
    title: str  # lazily translated
    template: str  # rendered with the context below plus `person` and `panel`
    order: int
    context: Callable[[HttpRequest, Person], dict[str, Any]]


_PANELS: dict[str, PersonPanel] = {}


def register(panel: PersonPanel) -> None:
    _PANELS[panel.key] = panel


def panels_for(request: HttpRequest, person: Person) -> list[dict[str, Any]]:
    """The panels of a person page, each with its rendered-ready context."""
    result = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = {"person": person, "panel": panel, **panel.context(request, person)}
        result.append({"panel": panel, "context": context})
    return result
