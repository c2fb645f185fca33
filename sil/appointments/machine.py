"""The appointment state machine: ONE table of allowed moves.

booked → confirmed → checked_in → done; booked/confirmed → missed (did not come); a booked or
confirmed appointment may be moved (a new row takes its place) or cancelled. An operator may
close an appointment as done or missed straight from booked/confirmed (the person was received
without a check-in, or the day ended).

What asserts presence or absence also needs the appointment's time to have come (TIME_RULES):
arrival and "done" from the appointment's day on, "missed" once its start has passed. The
actions check it, so every page, API and command gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sil.appointments.models import AppointmentStatus as S

if TYPE_CHECKING:
    from sil.appointments.models import Appointment

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


# Actions that say the person came or did not come: "day" = from the appointment's day on (a
# person may arrive early), "start" = once its start has passed.
TIME_RULES: dict[str, str] = {"check_in": "day", "done": "day", "missed": "start"}


def time_has_come(appointment: Appointment, action: str, now: dt.datetime | None = None) -> bool:
    """Whether `action` may be recorded now as far as time goes (other actions: always)."""
    rule = TIME_RULES.get(action)
    now = now or timezone.now()
    if rule == "day":
        return timezone.localdate(appointment.starts_at) <= timezone.localdate(now)
    if rule == "start":
        return appointment.starts_at <= now
    return True


def check_time(appointment: Appointment, action: str, now: dt.datetime | None = None) -> None:
    """ValidationError (code not_yet) when the appointment's time has not come for `action`."""
    if time_has_come(appointment, action, now):
        return
    local = timezone.localtime(appointment.starts_at)
    values = {
        "day": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "H:i"),
    }
    if TIME_RULES[action] == "day":
        message = _(
            "L'appuntamento è fissato per il %(day)s alle %(time)s: "
            "la presenza si registra dal giorno dell'appuntamento."
        )
    else:
        message = _(
            "L'appuntamento è fissato per il %(day)s alle %(time)s: "
            "l'assenza si registra solo dopo l'orario dell'appuntamento."
        )
    raise ValidationError(message % values, code="not_yet")


def actions_now(appointment: Appointment, now: dt.datetime | None = None) -> list[str]:
    """The actions allowed now: by status and, for presence and absence, by time."""
    return [
        action
        for action in allowed_actions(appointment.status)
        if time_has_come(appointment, action, now)
    ]
