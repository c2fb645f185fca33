"""The vacancy state machine: ONE table of allowed moves and of who may make each.

bozza → in revisione → pubblicata → chiusa / scaduta / annullata, plus: back to draft for
changes, cancelling a draft or a vacancy under review, cancelling a published one, and an
operator may publish a draft directly (their own vacancies need no second review).
Employer users write drafts and submit them; operators review, publish and close; only the
nightly job (the system) lets a vacancy expire.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sil.vacancies.models import TransitionActor, VacancyState

OPERATOR = TransitionActor.OPERATOR
EMPLOYER = TransitionActor.EMPLOYER
SYSTEM = TransitionActor.SYSTEM

# (from state, to state) -> who may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (VacancyState.DRAFT, VacancyState.REVIEW): frozenset({OPERATOR, EMPLOYER}),
    (VacancyState.DRAFT, VacancyState.PUBLISHED): frozenset({OPERATOR}),
    (VacancyState.DRAFT, VacancyState.CANCELLED): frozenset({OPERATOR, EMPLOYER}),
    (VacancyState.REVIEW, VacancyState.DRAFT): frozenset({OPERATOR, EMPLOYER}),
    (VacancyState.REVIEW, VacancyState.PUBLISHED): frozenset({OPERATOR}),
    (VacancyState.REVIEW, VacancyState.CANCELLED): frozenset({OPERATOR, EMPLOYER}),
    (VacancyState.PUBLISHED, VacancyState.CLOSED): frozenset({OPERATOR}),
    (VacancyState.PUBLISHED, VacancyState.EXPIRED): frozenset({SYSTEM}),
    (VacancyState.PUBLISHED, VacancyState.CANCELLED): frozenset({OPERATOR}),
}


class VacancyTransitionError(ValidationError):
    """An illegal move of the state machine, or one the user may not make."""


def actor_of(user: Any) -> str:
    """Who the user is for the machine: no user is the system (scheduled jobs)."""
    if user is None:
        return SYSTEM
    if getattr(user, "is_operator", False) or getattr(user, "is_superuser", False):
        return OPERATOR
    if getattr(user, "kind", "") == "employer":
        return EMPLOYER
    return ""


def allowed_targets(state: str, actor: str) -> list[str]:
    """The states `actor` may move a vacancy in `state` to (for buttons and API hints)."""
    return [
        to for (source, to), actors in TRANSITIONS.items() if source == state and actor in actors
    ]


def check_transition(state: str, to_state: str, actor: str) -> None:
    """Raise VacancyTransitionError (Italian message) unless `actor` may move state → to."""
    if to_state not in VacancyState.values:
        raise VacancyTransitionError(
            _("Stato dell'offerta sconosciuto: %(state)s.") % {"state": to_state}, code="invalid"
        )
    actors = TRANSITIONS.get((state, to_state))
    labels = {"from": VacancyState(state).label, "to": VacancyState(to_state).label}
    if actors is None:
        raise VacancyTransitionError(
            _("Operazione non consentita: un'offerta %(from)s non può diventare %(to)s.") % labels,
            code="illegal_transition",
        )
    if actor not in actors:
        raise VacancyTransitionError(
            _("Non hai i permessi per portare l'offerta da %(from)s a %(to)s.") % labels,
            code="forbidden_transition",
        )
