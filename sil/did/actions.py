"""Writes on DIDs. Each `do_*` runs in one transaction with audit context and appends events.

The state cached on the Did row always equals the `state_after` of its latest event; the
moves allowed are those of sil/did/machine.py.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core.audit import audit_context
from sil.core.permissions import Action, require
from sil.did.machine import DidTransitionError, next_state
from sil.did.models import (
    OPEN_STATES,
    Did,
    DidChannel,
    DidEvent,
    DidEventKind,
    DidState,
    IncomeKind,
    IncomeThreshold,
    LapseReason,
    Suspension,
)
from sil.people.models import Person

# A suspension longer than this many days makes the DID lapse (art. 19 c.3 D.Lgs.150/2015).
SUSPENSION_LIMIT_DAYS = 180


def _audit(by: Any, action: str) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action}
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def _recorder(by: Any) -> dict[str, Any]:
    if by is not None and getattr(by, "pk", None):
        return {"recorded_by_id": by.pk, "recorded_by_name": by.get_username()}
    return {"recorded_by_id": None, "recorded_by_name": ""}


def _check_date(day: dt.date, not_before: dt.date, field: str = "effective_date") -> None:
    if day > timezone.localdate():
        raise DidTransitionError(
            {field: _("La data non può essere nel futuro.")}, code="future_date"
        )
    if day < not_before:
        raise DidTransitionError(
            {
                field: _("La data non può precedere il %(date)s (ultimo evento della DID).")
                % {"date": not_before.strftime("%d/%m/%Y")}
            },
            code="date_before_last_event",
        )


def _move(did: Did, kind: str, day: dt.date, by: Any, **fields: Any) -> tuple[Did, DidEvent]:
    """Lock the DID, check the move and its date, append the event, update the cache."""
    locked = Did.objects.select_for_update().get(pk=did.pk)
    target = next_state(locked.state, kind)
    _check_date(day, locked.state_since)
    event = DidEvent.objects.create(
        did=locked,
        kind=kind,
        state_before=locked.state,
        state_after=target,
        effective_date=day,
        **_recorder(by),
        **fields,
    )
    locked.state = target
    locked.state_since = day
    if target not in OPEN_STATES:
        locked.ended_on = day
        locked.lapse_reason = fields.get("reason", "")
    locked.save(update_fields=["state", "state_since", "ended_on", "lapse_reason", "updated_at"])
    for name in ("state", "state_since", "ended_on", "lapse_reason", "updated_at"):
        setattr(did, name, getattr(locked, name))
    return locked, event


def do_declare_did(
    person: Person,
    did_date: dt.date,
    channel: str,
    *,
    national_id: str = "",
    note: str = "",
    by: Any = None,
) -> Did:
    """Register a DID: the person must have none in force (one open DID per person)."""
    if channel not in DidChannel.values:
        raise DidTransitionError({"channel": _("Canale non valido.")}, code="invalid")
    national_id = " ".join(national_id.split())
    with transaction.atomic(), _audit(by, "declare_did"):
        Person.objects.select_for_update().filter(pk=person.pk).first()
        previous = Did.objects.filter(person=person).order_by("-did_date", "-id").first()
        if previous is not None and previous.is_open:
            raise DidTransitionError(
                _("La persona ha già una DID in vigore dal %(date)s.")
                % {"date": previous.did_date.strftime("%d/%m/%Y")},
                code="did_already_open",
            )
        not_before = previous.ended_on if previous and previous.ended_on else dt.date.min
        _check_date(did_date, not_before, "did_date")
        if national_id and Did.objects.filter(national_id=national_id).exists():
            raise DidTransitionError(
                {"national_id": _("Identificativo DID già usato per un'altra DID.")},
                code="duplicate_national_id",
            )
        next_state("", DidEventKind.DECLARE)
        try:
            with transaction.atomic():
                did = Did.objects.create(
                    person=person,
                    did_date=did_date,
                    channel=channel,
                    national_id=national_id,
                    state=DidState.ACTIVE,
                    state_since=did_date,
                )
        except IntegrityError as exc:
            raise DidTransitionError(
                _("La persona ha già una DID in vigore."), code="did_already_open"
            ) from exc
        DidEvent.objects.create(
            did=did,
            kind=DidEventKind.DECLARE,
            state_before="",
            state_after=DidState.ACTIVE,
            effective_date=did_date,
            note=note,
            **_recorder(by),
        )
    return did


def income_threshold(kind: str, day: dt.date) -> IncomeThreshold:
    threshold = IncomeThreshold.objects.in_force(kind, day)
    if threshold is None:
        raise DidTransitionError(
            _("Nessuna soglia di reddito in vigore al %(date)s per %(kind)s.")
            % {"date": day.strftime("%d/%m/%Y"), "kind": IncomeKind(kind).label},
            code="no_threshold",
        )
    return threshold


def do_suspend(
    did: Did,
    start_date: dt.date,
    projected_annual_income: Decimal,
    *,
    income_kind: str = IncomeKind.EMPLOYEE,
    source_reference: str = "",
    note: str = "",
    by: Any = None,
) -> DidEvent:
    """A job starts: compare the projected yearly income with the threshold in force that day.

    Employee or parasubordinate income above the threshold suspends the DID (a suspension
    period opens); income within it conserves the DID. Self-employment above its threshold
    makes the DID lapse (SPEC §2).
    """
    if income_kind not in IncomeKind.values:
        raise DidTransitionError({"income_kind": _("Tipo di reddito non valido.")})
    if projected_annual_income < 0:
        raise DidTransitionError(
            {"projected_annual_income": _("Il reddito non può essere negativo.")}
        )
    threshold = income_threshold(income_kind, start_date)
    above = projected_annual_income > threshold.amount
    common = {
        "income_kind": income_kind,
        "projected_annual_income": projected_annual_income,
        "source_reference": source_reference,
        "note": note,
    }
    with transaction.atomic(), _audit(by, "suspend_did"):
        if income_kind == IncomeKind.SELF_EMPLOYED and above:
            _did, event = _move(
                did,
                DidEventKind.LAPSE,
                start_date,
                by,
                reason=LapseReason.SELF_EMPLOYMENT,
                **common,
            )
            return event
        if not above:
            _did, event = _move(did, DidEventKind.CONSERVE, start_date, by, **common)
            return event
        locked, event = _move(did, DidEventKind.SUSPEND, start_date, by, **common)
        Suspension.objects.create(did=locked, start=start_date, source_reference=source_reference)
    return event


def do_resume(
    did: Did,
    end_date: dt.date,
    *,
    source_reference: str = "",
    note: str = "",
    by: Any = None,
) -> DidEvent:
    """The job ends on `end_date` (its last day, still a suspension day): the DID is active."""
    with transaction.atomic(), _audit(by, "resume_did"):
        locked, event = _move(
            did,
            DidEventKind.RESUME,
            end_date,
            by,
            source_reference=source_reference,
            note=note,
        )
        Suspension.objects.filter(did=locked, end__isnull=True).update(end=end_date)
    return event


def do_lapse(
    did: Did, effective_date: dt.date, reason: str, *, note: str = "", by: Any = None
) -> DidEvent:
    """Decadenza: seniority stops the day before `effective_date`."""
    if reason not in LapseReason.values:
        raise DidTransitionError({"reason": _("Indicare il motivo della decadenza.")})
    if reason == LapseReason.OTHER and not note.strip():
        raise DidTransitionError({"note": _("Descrivere il motivo della decadenza.")})
    with transaction.atomic(), _audit(by, "lapse_did"):
        locked, event = _move(did, DidEventKind.LAPSE, effective_date, by, reason=reason, note=note)
        _close_suspension(locked, effective_date)
    return event


def do_revoke(did: Did, effective_date: dt.date, *, note: str = "", by: Any = None) -> DidEvent:
    """The person withdraws the DID."""
    with transaction.atomic(), _audit(by, "revoke_did"):
        locked, event = _move(did, DidEventKind.REVOKE, effective_date, by, note=note)
        _close_suspension(locked, effective_date)
    return event


def _close_suspension(did: Did, effective_date: dt.date) -> None:
    # The last suspension day is the day before the DID ends (never before it started).
    for suspension in Suspension.objects.filter(did=did, end__isnull=True):
        suspension.end = max(suspension.start, effective_date - dt.timedelta(days=1))
        suspension.save(update_fields=["end"])


def suspension_limit_date(start: dt.date) -> dt.date:
    """The first day past the limit: the DID lapses on this day if still suspended."""
    return start + dt.timedelta(days=SUSPENSION_LIMIT_DAYS)


def do_check_suspension_limit(on_date: dt.date | None = None, *, by: Any = None) -> list[Did]:
    """Lapse every DID suspended by the same job for more than 180 days (periodic task).

    Each DID lapses in its own transaction on day 181 of the suspension, so one failure does
    not hold back the others.
    """
    on_date = on_date or timezone.localdate()
    cutoff = on_date - dt.timedelta(days=SUSPENSION_LIMIT_DAYS)
    overdue = (
        Suspension.objects.filter(
            end__isnull=True, start__lte=cutoff, did__state=DidState.SUSPENDED
        )
        .select_related("did")
        .order_by("start", "id")
    )
    lapsed = []
    for suspension in overdue:
        try:
            do_lapse(
                suspension.did,
                suspension_limit_date(suspension.start),
                LapseReason.SUSPENSION_LIMIT,
                note=_("Sospensione oltre %(days)d giorni.") % {"days": SUSPENSION_LIMIT_DAYS},
                by=by,
            )
        except DidTransitionError:
            continue  # changed meanwhile (e.g. the job ended): nothing to do
        lapsed.append(suspension.did)
    return lapsed
