"""The DID state machine: ONE table of allowed moves (ANPAL circ. 1/2019, SPEC §2).

A DID is either suspended or conserved, never both: a job start from ACTIVE leads to one of
the two, and a second job start is refused until the first job ends.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sil.did.models import DidEventKind, DidState

# kind of event -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    DidEventKind.DECLARE: (frozenset({""}), DidState.ACTIVE),
    DidEventKind.SUSPEND: (frozenset({DidState.ACTIVE}), DidState.SUSPENDED),
    DidEventKind.CONSERVE: (frozenset({DidState.ACTIVE}), DidState.CONSERVED),
    DidEventKind.RESUME: (frozenset({DidState.SUSPENDED, DidState.CONSERVED}), DidState.ACTIVE),
    DidEventKind.LAPSE: (
        frozenset({DidState.ACTIVE, DidState.SUSPENDED, DidState.CONSERVED}),
        DidState.LAPSED,
    ),
    DidEventKind.REVOKE: (
        frozenset({DidState.ACTIVE, DidState.SUSPENDED, DidState.CONSERVED}),
        DidState.REVOKED,
    ),
}


class DidTransitionError(ValidationError):
    """An illegal move of the state machine (or a move with impossible dates)."""


def allowed_kinds(state: str) -> list[str]:
    """The kinds of event a DID in `state` accepts (for buttons and API hints)."""
    return [kind for kind, (sources, _target) in TRANSITIONS.items() if state in sources]


def next_state(state: str, kind: str) -> str:
    """The state after `kind`, or DidTransitionError with an Italian message."""
    if kind not in TRANSITIONS:
        raise DidTransitionError(_("Evento della DID sconosciuto: %(kind)s.") % {"kind": kind})
    sources, target = TRANSITIONS[kind]
    if state not in sources:
        state_label = DidState(state).label if state else _("nessuna DID")
        raise DidTransitionError(
            _("Operazione non consentita: «%(event)s» non è possibile con la DID %(state)s.")
            % {"event": DidEventKind(kind).label, "state": str(state_label).lower()},
            code="illegal_transition",
        )
    return target
