"""The appointment state machine: ONE table of allowed moves.

booked → confirmed → checked_in → done; booked/confirmed → missed (did not come); a booked or
confirmed appointment may be moved (a new row takes its place) or cancelled. An operator may
close an appointment as done or missed straight from booked/confirmed (the person was received
without a check-in, or the day ended).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sil.appointments.models import AppointmentStatus as S

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({S.BOOKED}), S.CONFIRMED),
    "check_in": (frozenset({S.BOOKED, S.CONFIRMED}), S.CHECKED_IN),
    "done": (frozenset({S.BOOKED, S.CONFIRMED, S.CHECKED_IN}), S.DONE),
    "missed": (frozenset({S.BOOKED, S.CONFIRMED}), S.MISSED),
    "move": (frozenset({S.BOOKED, S.CONFIRMED}), S.MOVED),
    "cancel": (frozenset({S.BOOKED, S.CONFIRMED}), S.CANCELLED),
}

# Statuses the citizen's link still acts on.
OPEN_STATUSES = frozenset({S.BOOKED, S.CONFIRMED})


class AppointmentTransitionError(ValidationError):
    """An illegal move of the appointment state machine."""


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]


def next_status(status: str, action: str) -> str:
    """The status after `action`, or AppointmentTransitionError with an Italian message."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise AppointmentTransitionError(
            _("Operazione non consentita: l'appuntamento è «%(status)s».")
            % {"status": S(status).label},
            code="illegal_transition",
        )
    return target
