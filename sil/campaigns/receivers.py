"""How a convocation follows its appointment and its Patto (connected in CampaignsConfig.ready).

Appointments with a topic "campaign:<id>" report their changes here, inside the transaction
that makes them:

- confirmed: the convocation is confirmed.
- moved (by the citizen through the link or by the office): the convocation is rescheduled to
  the new appointment, the reminders of the old one are withdrawn, a "moved" message and the
  new reminders are queued.
- cancelled: reminders withdrawn, the convocation goes back to "assigned" without appointment.
  When the citizen says they cannot come it is NOT rebooked automatically: the person has a
  reason the operator should hear (work, illness, care duties) and may already have been
  offered every other slot through the link. The reception page lists these people so the
  operator calls them and reschedules (outcomes.do_reschedule) or records ASS_GIUST/ESONERO.
  When the office cancels, the person is told by a "cancelled" message.

A Patto signed for a campaign ("campaign:<id>" topic) records the outcome PRES_PSP by itself,
or PRES_AGG when the person had signed one before.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sil.campaigns.models import (
    OPEN_CONVOCATION_STATES,
    Convocation,
    ConvocationState,
    Outcome,
)

logger = logging.getLogger(__name__)
TOPIC = re.compile(r"^campaign:(\d+)$")


def campaign_id_of(topic: str) -> int | None:
    match = TOPIC.match(topic or "")
    return int(match.group(1)) if match else None


def _convocation(campaign_id: int, person_id: int) -> Convocation | None:
    return (
        Convocation.objects.select_for_update(of=("self",))
        .select_related("campaign", "person")
        .filter(campaign_id=campaign_id, person_id=person_id)
        .first()
    )


def _old_and_new(appointment: Any, previous: Any) -> tuple[Any, Any]:
    """(old, new) of a move, whichever of the two the signal carries."""
    from sil.appointments.models import Appointment

    if getattr(appointment, "moved_to_id", None):
        return appointment, appointment.moved_to
    if isinstance(previous, Appointment):
        return previous, appointment
    return Appointment.objects.filter(moved_to=appointment).first(), appointment


def appointment_changed(
    sender: Any,
    appointment: Any,
    kind: str,
    previous: Any = None,
    by_citizen: bool = False,
    **kwargs: Any,
) -> None:
    campaign_id = campaign_id_of(appointment.topic)
    if campaign_id is None or kind not in ("confirmed", "moved", "cancelled"):
        return  # booked, checked_in, done, missed: the outcome actions handle those
    from sil.campaigns import messaging, outcomes

    convocation = _convocation(campaign_id, appointment.person_id)
    if convocation is None:
        return
    by = kwargs.get("by")
    is_open = convocation.state in OPEN_CONVOCATION_STATES
    if kind == "confirmed":
        if is_open and convocation.appointment_id == appointment.pk:
            outcomes.move(
                convocation,
                ConvocationState.CONFIRMED,
                "confirmed",
                by=by,
                data={"appointment": appointment.pk, "by_citizen": by_citizen},
            )
    elif kind == "moved":
        old, new = _old_and_new(appointment, previous)
        if not is_open or new is None:
            return
        messaging.cancel_reminders(convocation)
        convocation.appointment = new
        outcomes.move(
            convocation,
            ConvocationState.RESCHEDULED,
            "moved",
            by=by,
            data={
                "from": getattr(old, "pk", None),
                "to": new.pk,
                "by_citizen": by_citizen,
            },
            fields=("appointment",),
        )
        messaging.enqueue_for_appointment(convocation, new, kinds=("moved", "reminders"))
    elif kind == "cancelled":
        messaging.cancel_reminders(convocation)
        if not is_open or convocation.appointment_id != appointment.pk:
            return
        convocation.appointment = None
        outcomes.move(
            convocation,
            ConvocationState.ASSIGNED,
            "cannot_come" if by_citizen else "appointment_cancelled",
            by=by,
            data={"appointment": appointment.pk, "reason": appointment.cancel_reason},
            fields=("appointment",),
        )
        if not by_citizen:
            messaging.enqueue_for_appointment(convocation, appointment, kinds=("cancelled",))


def pact_signed(sender: Any, pact: Any, **kwargs: Any) -> None:
    """A Patto just signed closes the open convocation it was made for."""
    instance = pact
    from sil.campaigns import outcomes
    from sil.services.models import PactState, ServicePact

    campaign_id = campaign_id_of(instance.topic)
    convocations = Convocation.objects.filter(
        person_id=instance.person_id,
        state__in=OPEN_CONVOCATION_STATES,
        appointment__isnull=False,
    )
    if campaign_id is not None:
        convocations = convocations.filter(campaign_id=campaign_id)
    else:
        # A Patto made outside a campaign counts for the person at the desk right now.
        convocations = convocations.filter(appointment__status="checked_in")
    signed_before = (
        ServicePact.objects.filter(
            person_id=instance.person_id,
            state__in=(PactState.SIGNED, PactState.SUPERSEDED),
        )
        .exclude(pk=instance.pk)
        .exists()
    )
    outcome = Outcome.PRES_AGG if signed_before else Outcome.PRES_PSP
    for convocation in convocations:
        try:
            with transaction.atomic():
                outcomes.do_record_outcome(
                    convocation, outcome, by=instance.operator, check_scope=False
                )
        except ValidationError as exc:
            logger.warning("outcome not recorded for convocation %s: %s", convocation.pk, exc)


def connect() -> None:
    from sil.appointments import signals as appointment_signals
    from sil.services import signals as service_signals

    appointment_signals.appointment_changed.connect(
        appointment_changed, dispatch_uid="campaigns_appointment_changed"
    )
    service_signals.pact_signed.connect(pact_signed, dispatch_uid="campaigns_pact_signed")
