"""The shortlist state machine: ONE table of allowed moves, and the rules of its candidates.

A shortlist is prepared (draft), sent to the employer once (sent) and closed when the selection
is over (closed). Candidates added after sending go to a new shortlist in preparation.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sil.shortlists.models import ShortlistState

# move -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "send": (frozenset({ShortlistState.DRAFT}), ShortlistState.SENT),
    "close": (frozenset({ShortlistState.DRAFT, ShortlistState.SENT}), ShortlistState.CLOSED),
}

# What may be done to the candidates of a shortlist in each state.
EDITABLE_STATES = frozenset({ShortlistState.DRAFT})  # add, remove, contact
FEEDBACK_STATES = frozenset({ShortlistState.SENT})  # employer's answer, outcome


class ShortlistTransitionError(ValidationError):
    """An illegal move of the state machine or an action refused by its rules."""


def allowed_moves(state: str) -> list[str]:
    return [move for move, (sources, _target) in TRANSITIONS.items() if state in sources]


def next_state(state: str, move: str) -> str:
    """The state after `move`, or ShortlistTransitionError with an Italian message."""
    if move not in TRANSITIONS:
        raise ShortlistTransitionError(
            _("Operazione sulla rosa sconosciuta: %(move)s.") % {"move": move}
        )
    sources, target = TRANSITIONS[move]
    if state not in sources:
        raise ShortlistTransitionError(
            _("Operazione non consentita: la rosa è %(state)s.")
            % {"state": str(ShortlistState(state).label)},
            code="illegal_transition",
        )
    return target


def require_editable(state: str) -> None:
    if state not in EDITABLE_STATES:
        raise ShortlistTransitionError(
            _(
                "La rosa è già stata inviata all'impresa: i candidati non si possono più "
                "modificare. Aggiungere i nuovi candidati a una nuova rosa."
            ),
            code="not_editable",
        )


def require_feedback_open(state: str) -> None:
    if state not in FEEDBACK_STATES:
        raise ShortlistTransitionError(
            _("Riscontri ed esiti si registrano solo su una rosa inviata e non ancora chiusa."),
            code="feedback_closed",
        )
