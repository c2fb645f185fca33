"""Reception outcomes of a convocation (SPEC section 6) and the moves of its state.

Rules:
- PRES_PSP and PRES_AGG need a Patto di servizio signed for this campaign (or since the
  convocation was created); without one the outcome is refused. When the Patto is signed for a
  campaign, the outcome is recorded by itself (receivers.pact_signed).
- ASS_GIUST goes back to scheduling: the missed appointment is closed, the attempt grows, a new
  appointment is booked and a new invitation sent; the convocation stays open. If no slot is
  free before the deadline it waits, assigned, for the operator.
- ASS_INGIUST and PRES_NOPSP produce a SanctionEvent for the national platform.
- Every other outcome closes the convocation. The appointment is closed as done (person seen),
  missed (absent) or, when it is still ahead, cancelled to free the slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.appointments.models import Appointment, AppointmentStatus
from sil.campaigns.models import (
    Convocation,
    ConvocationEvent,
    ConvocationState,
    Outcome,
    SanctionEvent,
)
from sil.core.audit import audit_context
from sil.core.permissions import Action, require, visible_office_ids
from sil.people.timeline import TimelineEvent

S = ConvocationState
# The one table of allowed moves of a convocation.
CONVOCATION_MOVES: dict[str, frozenset[str]] = {
    S.TO_ASSIGN: frozenset({S.ASSIGNED, S.INVITED, S.CLOSED}),
    S.ASSIGNED: frozenset({S.ASSIGNED, S.INVITED, S.CLOSED}),
    S.INVITED: frozenset({S.INVITED, S.CONFIRMED, S.RESCHEDULED, S.ASSIGNED, S.CLOSED}),
    S.CONFIRMED: frozenset({S.INVITED, S.CONFIRMED, S.RESCHEDULED, S.ASSIGNED, S.CLOSED}),
    S.RESCHEDULED: frozenset({S.INVITED, S.CONFIRMED, S.RESCHEDULED, S.ASSIGNED, S.CLOSED}),
    S.CLOSED: frozenset(),
}

PACT_OUTCOMES = frozenset({Outcome.PRES_PSP, Outcome.PRES_AGG})
SANCTION_OUTCOMES = frozenset({Outcome.ASS_INGIUST, Outcome.PRES_NOPSP})
PRESENT_OUTCOMES = frozenset({Outcome.PRES_PSP, Outcome.PRES_AGG, Outcome.PRES_NOPSP})
ABSENT_OUTCOMES = frozenset({Outcome.ASS_GIUST, Outcome.ASS_INGIUST})
# Outcomes that may be recorded without anyone at the desk (before the appointment).
REMOTE_OUTCOMES = frozenset({Outcome.NON_RECAP, Outcome.ESONERO, Outcome.OCCUPATO, Outcome.TRASF})
LIVE_APPOINTMENT = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
)


class OutcomeError(ValidationError):
    pass


def _audit(by: Any, action: str, **extra: Any) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action, **extra}
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def check_move(convocation: Convocation, target: str) -> None:
    if target not in CONVOCATION_MOVES.get(convocation.state, frozenset()):
        raise OutcomeError(
            _("La convocazione non può passare da «%(from)s» a «%(to)s».")
            % {
                "from": S(convocation.state).label,
                "to": S(target).label,
            },
            code="invalid_transition",
        )


def move(
    convocation: Convocation,
    target: str,
    kind: str,
    *,
    by: Any = None,
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
) -> ConvocationEvent:
    """Check and apply one move (the caller holds the row lock), with its event."""
    check_move(convocation, target)
    convocation.state = target
    convocation.save(update_fields=["state", "updated_at", *fields])
    return ConvocationEvent.objects.create(
        convocation=convocation,
        kind=kind,
        by=by if getattr(by, "pk", None) else None,
        data=data or {},
    )


def may_record(user: Any, convocation: Convocation) -> bool:
    """An operator records outcomes only for the convocations of their own offices."""
    offices = visible_office_ids(user)
    return offices is None or (
        convocation.office_id is not None and convocation.office_id in offices
    )


def signed_pact(convocation: Convocation) -> Any:
    """The Patto signed for this convocation: for its campaign or since it was created."""
    from django.db.models import Q

    from sil.services.models import PactState, ServicePact

    return (
        ServicePact.objects.filter(person_id=convocation.person_id, state=PactState.SIGNED)
        .filter(Q(topic=convocation.campaign.topic) | Q(signed_at__gte=convocation.created_at))
        .order_by("-signed_at", "-id")
        .first()
    )


def _close_appointment(appointment: Appointment, outcome: str, by: Any) -> None:
    """Done if the person came, missed if absent, cancelled (slot freed) if still ahead."""
    from sil.appointments import actions as appointments

    if appointment.status not in LIVE_APPOINTMENT:
        return
    if outcome in PRESENT_OUTCOMES or appointment.status == AppointmentStatus.CHECKED_IN:
        appointments.do_close(appointment, attended=True, by=by)
    elif outcome in ABSENT_OUTCOMES or appointment.starts_at <= timezone.now():
        appointments.do_close(appointment, attended=False, by=by)
    else:
        appointments.do_cancel(appointment, by=by, reason=str(Outcome(outcome).label))


def _may_close_now(appointment: Appointment, outcome: str) -> bool:
    """Absent only once the time has come; present from the day itself (or once arrived)."""
    if outcome in ABSENT_OUTCOMES:
        return appointment.starts_at <= timezone.now()
    if outcome in PRESENT_OUTCOMES:
        return (
            appointment.status == AppointmentStatus.CHECKED_IN
            or timezone.localdate(appointment.starts_at) <= timezone.localdate()
        )
    return True


def do_record_outcome(
    convocation: Convocation,
    outcome: str,
    *,
    by: Any,
    note: str = "",
    check_scope: bool = True,
) -> Convocation:
    """Record the outcome of a convocation (see the module docstring for the rules)."""
    if outcome not in Outcome.values:
        raise OutcomeError({"outcome": _("Esito non valido.")}, code="invalid")
    if check_scope and not may_record(by, convocation):
        raise OutcomeError(_("La convocazione è di un CPI in cui non opera."), code="out_of_scope")
    with transaction.atomic(), _audit(by, "record_outcome", outcome=outcome):
        locked = (
            Convocation.objects.select_for_update(of=("self",))
            .select_related("campaign__programme", "person", "appointment", "office")
            .get(pk=convocation.pk)
        )
        if locked.state == S.CLOSED:
            raise OutcomeError(
                _("L'esito della convocazione è già registrato (%(outcome)s).")
                % {"outcome": locked.get_outcome_display()},
                code="already_closed",
            )
        appointment = locked.appointment
        if outcome in PRESENT_OUTCOMES | ABSENT_OUTCOMES and appointment is None:
            raise OutcomeError(_("Questo esito richiede un appuntamento."), code="no_appointment")
        if appointment is not None and not _may_close_now(appointment, outcome):
            raise OutcomeError(
                _("L'appuntamento non è ancora iniziato: registrare l'arrivo o attendere."),
                code="not_yet",
            )
        pact = signed_pact(locked) if outcome in PACT_OUTCOMES else None
        if outcome in PACT_OUTCOMES and pact is None:
            raise OutcomeError(
                _("Per questo esito serve un Patto di servizio firmato."), code="pact_required"
            )
        from sil.campaigns.messaging import cancel_reminders

        cancel_reminders(locked)
        if outcome == Outcome.ASS_GIUST:
            _justified_absence(locked, by=by, note=note)
        else:
            _close(locked, outcome, by=by, note=note, pact=pact)
            if appointment is not None:
                _close_appointment(appointment, outcome, by)
    for name in ("state", "outcome", "outcome_at", "outcome_by_id", "outcome_note", "attempt"):
        setattr(convocation, name, getattr(locked, name))
    convocation.appointment_id = locked.appointment_id
    return convocation


def _close(convocation: Convocation, outcome: str, *, by: Any, note: str, pact: Any = None) -> None:
    now = timezone.now()
    convocation.outcome = outcome
    convocation.outcome_at = now
    convocation.outcome_by = by if getattr(by, "pk", None) else None
    convocation.outcome_note = note
    data: dict[str, Any] = {"outcome": outcome, "attempt": convocation.attempt}
    if note:
        data["note"] = note
    if pact is not None:
        data["pact"] = pact.pk
    move(
        convocation,
        S.CLOSED,
        "outcome",
        by=by,
        data=data,
        fields=("outcome", "outcome_at", "outcome_by", "outcome_note"),
    )
    if outcome in SANCTION_OUTCOMES:
        appointment = convocation.appointment
        day = (
            timezone.localdate(appointment.starts_at)
            if appointment is not None
            else timezone.localdate(now)
        )
        SanctionEvent.objects.create(
            convocation=convocation,
            person_id=convocation.person_id,
            programme_id=convocation.campaign.programme_id,
            code=outcome,
            occurred_on=day,
        )


def _justified_absence(convocation: Convocation, *, by: Any, note: str) -> None:
    """Back to scheduling: attempt + 1, a new appointment and a new invitation if a slot is free."""
    old = convocation.appointment
    data: dict[str, Any] = {"outcome": Outcome.ASS_GIUST, "attempt": convocation.attempt}
    if note:
        data["note"] = note
    if old is not None:
        data["appointment"] = old.pk
    convocation.attempt += 1
    convocation.appointment = None
    move(convocation, S.ASSIGNED, "outcome", by=by, data=data, fields=("attempt", "appointment"))
    if old is not None:
        _close_appointment(old, Outcome.ASS_GIUST, by)
    do_reschedule(convocation, by=by)


def do_reschedule(convocation: Convocation, *, by: Any) -> Appointment | None:
    """Book a new slot for an open convocation without appointment and invite the person.

    Inside the caller's transaction (or its own); returns None, leaving the convocation
    assigned, when no slot is free before the deadline.
    """
    from sil.campaigns.messaging import enqueue_for_appointment
    from sil.campaigns.scheduling import reschedule_convocation

    with transaction.atomic():
        try:
            with transaction.atomic():
                reschedule_convocation(convocation, by=by)
        except ValidationError:
            return None
        convocation.refresh_from_db(fields=["appointment", "state", "attempt"])
        appointment = convocation.appointment
        if appointment is None:
            return None
        enqueue_for_appointment(convocation, appointment, kinds=("invitation", "reminders"))
        convocation.invited_at = timezone.now()
        move(
            convocation,
            S.INVITED,
            "invited",
            by=by,
            data={"attempt": convocation.attempt, "appointment": appointment.pk},
            fields=("invited_at",),
        )
        return appointment


def timeline_events(person: Any) -> Iterator[TimelineEvent]:
    """Convocations and their outcomes in the person's timeline."""
    events = (
        ConvocationEvent.objects.filter(
            convocation__person=person, kind__in=("invited", "outcome", "cannot_come")
        )
        .select_related("convocation__campaign")
        .order_by("at", "id")
    )
    for event in events:
        campaign = event.convocation.campaign
        if event.kind == "invited":
            title = _("Convocato/a per la campagna «%(campaign)s»") % {"campaign": campaign.name}
        elif event.kind == "cannot_come":
            title = _("Ha comunicato che non può venire (campagna «%(campaign)s»)") % {
                "campaign": campaign.name
            }
        else:
            code = event.data.get("outcome", "")
            label = Outcome(code).label if code in Outcome.values else code
            title = _("Esito della convocazione «%(campaign)s»: %(outcome)s") % {
                "campaign": campaign.name,
                "outcome": label,
            }
        yield TimelineEvent(
            at=event.at,
            kind=f"convocation_{event.kind}",
            title=title,
            detail=str(event.data.get("note", "")),
        )


# ---------------------------------------------------------------------------------------------
# Reads of the reception desk (pages and API)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    return start, start + dt.timedelta(days=1)


def reception_offices(user: Any) -> Any:
    """The CPIs whose desk the user may run: their own, or every active CPI for the Region."""
    from sil.territory.models import Office, OfficeKind

    offices = visible_office_ids(user)
    queryset = Office.objects.order_by("name", "id")
    if offices is None:
        return queryset.filter(kind=OfficeKind.CPI, is_active=True)
    return queryset.filter(pk__in=sorted(offices))


def day_list(office_id: int, day: dt.date) -> Any:
    """Convocations with an appointment at this office on this day, in time order."""
    start, end = day_bounds(day)
    return (
        Convocation.objects.filter(
            appointment__office_id=office_id,
            appointment__starts_at__gte=start,
            appointment__starts_at__lt=end,
        )
        .select_related("person", "appointment", "campaign")
        .order_by("appointment__starts_at", "id")
    )


def to_call_back(office_id: int) -> Any:
    """Open convocations of running campaigns left without appointment (cannot come, no slot)."""
    from sil.campaigns.models import CampaignState

    return (
        Convocation.objects.filter(
            office_id=office_id,
            campaign__state=CampaignState.RUNNING,
            state__in=(S.TO_ASSIGN, S.ASSIGNED),
            appointment__isnull=True,
        )
        .select_related("person", "campaign")
        .order_by("updated_at", "id")
    )


def day_counts(convocations: list[Convocation]) -> dict[str, int]:
    arrived = (AppointmentStatus.CHECKED_IN, AppointmentStatus.DONE)
    return {
        "expected": len(convocations),
        "checked_in": sum(
            1 for c in convocations if c.appointment and c.appointment.status in arrived
        ),
        "seen": sum(1 for c in convocations if c.state == S.CLOSED),
    }
