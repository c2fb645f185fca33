"""The application state machine: ONE table of allowed moves and who may make each.

submitted → viewed → in_selection → (interview) → hired | rejected; the citizen may withdraw
from any open state (an operator may record a withdrawal the citizen asked for by phone or at
the desk). Hired, rejected and withdrawn are final.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sil.applications.models import OPEN_STATES, Actor, ApplicationState

S = ApplicationState
STAFF = frozenset({Actor.OPERATOR, Actor.EMPLOYER})

# target state -> (states it may be reached from, actors allowed to make the move)
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    S.VIEWED: (frozenset({S.SUBMITTED}), STAFF),
    S.IN_SELECTION: (frozenset({S.SUBMITTED, S.VIEWED}), STAFF),
    S.INTERVIEW: (frozenset({S.IN_SELECTION}), STAFF),
    S.HIRED: (frozenset({S.IN_SELECTION, S.INTERVIEW}), STAFF),
    S.REJECTED: (frozenset({S.SUBMITTED, S.VIEWED, S.IN_SELECTION, S.INTERVIEW}), STAFF),
    S.WITHDRAWN: (frozenset(OPEN_STATES), frozenset({Actor.CITIZEN, Actor.OPERATOR})),
}


class ApplicationTransitionError(ValidationError):
    """An illegal move of the state machine, or a move the actor may not make."""


def allowed_targets(state: str, actor: str) -> list[str]:
    """The states `actor` may move an application in `state` to (for buttons and API hints)."""
    return [
        target
        for target, (sources, actors) in TRANSITIONS.items()
        if state in sources and actor in actors
    ]


def check_move(state: str, target: str, actor: str) -> None:
    """Raise ApplicationTransitionError (Italian message) unless `actor` may go to `target`."""
    if target not in TRANSITIONS:
        raise ApplicationTransitionError(
            _("Stato della candidatura non raggiungibile: %(state)s.") % {"state": target},
            code="unknown_state",
        )
    sources, actors = TRANSITIONS[target]
    if state not in sources:
        raise ApplicationTransitionError(
            _(
                "Operazione non consentita: una candidatura «%(state)s» non può diventare «%(target)s»."
            )
            % {"state": ApplicationState(state).label, "target": ApplicationState(target).label},
            code="illegal_transition",
        )
    if actor not in actors:
        raise ApplicationTransitionError(
            _("Operazione non consentita a chi agisce come %(actor)s.")
            % {"actor": Actor(actor).label},
            code="actor_not_allowed",
        )
