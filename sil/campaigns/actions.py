"""Writes on campaigns: create and edit, message texts, per-CPI capacities, state moves.

Each `do_*` runs in one transaction with audit context. The moves allowed are those of
sil/campaigns/machine.py; `running` is entered only through sil.campaigns.launch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.campaigns.defaults import LANGUAGES, default_text
from sil.campaigns.machine import CampaignTransitionError, check_transition
from sil.campaigns.models import (
    Campaign,
    CampaignState,
    MessageTemplate,
    OfficeCapacity,
    TemplateStep,
)
from sil.core.audit import audit_context
from sil.core.permissions import Action, require

# Fields an operator edits on the campaign form.
EDITABLE_FIELDS = (
    "name",
    "slug",
    "programme",
    "starts_on",
    "deadline",
    "channels",
    "reminder_days",
    "appointment_minutes",
    "helpline",
    "sms_cost_cents",
)
# A working day at the desk when an office has no slot templates yet.
DEFAULT_DAY_MINUTES = 5 * 60


def _audit(by: Any, action: str, campaign: Campaign | None = None) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action}
    if campaign is not None and campaign.pk:
        context["campaign"] = campaign.pk
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def _require_state(campaign: Campaign, *states: str) -> None:
    if campaign.state not in states:
        raise CampaignTransitionError(
            _("La campagna è %(state)s: si può modificare solo in bozza.")
            % {"state": str(CampaignState(campaign.state).label)},
            code="not_editable",
        )


def add_default_templates(campaign: Campaign, channels: Iterable[str] | None = None) -> int:
    """The default texts of every step for the channels that have none yet (both languages)."""
    existing = set(campaign.templates.values_list("step", "channel", "language"))
    rows = []
    for channel in channels if channels is not None else campaign.channels:
        for step in TemplateStep.values:
            for language in LANGUAGES:
                if (step, channel, language) in existing:
                    continue
                subject, body = default_text(step, channel, language)
                if body:
                    rows.append(
                        MessageTemplate(
                            campaign=campaign,
                            step=step,
                            channel=channel,
                            language=language,
                            subject=subject,
                            body=body,
                        )
                    )
    MessageTemplate.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def do_create_campaign(data: Mapping[str, Any], *, by: Any = None) -> Campaign:
    """A draft campaign with the default texts of its channels."""
    with transaction.atomic(), _audit(by, "create_campaign"):
        campaign = Campaign(
            **{name: data[name] for name in EDITABLE_FIELDS if name in data},
            created_by=by if getattr(by, "pk", None) else None,
        )
        campaign.full_clean(exclude=["reminder_days"])
        campaign.save()
        add_default_templates(campaign)
    return campaign


def do_update_campaign(campaign: Campaign, data: Mapping[str, Any], *, by: Any = None) -> Campaign:
    """Change a draft campaign; a new channel gets the default texts."""
    with transaction.atomic(), _audit(by, "update_campaign", campaign):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _require_state(locked, CampaignState.DRAFT)
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.full_clean(exclude=["reminder_days"])
        locked.save()
        add_default_templates(locked)
    campaign.refresh_from_db()
    return campaign


def do_save_templates(
    campaign: Campaign,
    texts: Mapping[tuple[str, str, str], tuple[str, str]],
    *,
    by: Any = None,
) -> int:
    """Write the texts {(step, channel, language): (subject, body)}; an empty body removes a
    translation (never the Italian text of a chosen channel's invitation: the machine checks)."""
    changed = 0
    with transaction.atomic(), _audit(by, "save_campaign_templates", campaign):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _require_state(locked, CampaignState.DRAFT)
        current = {
            (t.step, t.channel, t.language): t
            for t in MessageTemplate.objects.filter(campaign=locked)
        }
        for key, (subject, body) in texts.items():
            template = current.get(key)
            if not body.strip():
                if template is not None:
                    template.delete()
                    changed += 1
                continue
            if template is None:
                step, channel, language = key
                MessageTemplate.objects.create(
                    campaign=locked,
                    step=step,
                    channel=channel,
                    language=language,
                    subject=subject,
                    body=body,
                )
                changed += 1
            elif (template.subject, template.body) != (subject, body):
                template.subject, template.body = subject, body
                template.save(update_fields=["subject", "body"])
                changed += 1
    return changed


def default_capacities(campaign: Campaign, office_ids: Iterable[int]) -> dict[int, int]:
    """People per day each office can receive: its active calendars times the slots a calendar offers
    in a day (from its weekly slot templates; a five-hour desk day when it has none)."""
    from sil.appointments.models import Calendar, SlotTemplate

    ids = list(office_ids)
    calendars = dict(
        Calendar.objects.filter(office_id__in=ids, is_active=True)
        .values_list("office_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Average slots per working day of each office's templates.
    per_office: dict[int, tuple[float, set[int]]] = {}
    for office_id, weekday, starts, ends, minutes in SlotTemplate.objects.filter(
        calendar__office_id__in=ids, calendar__is_active=True
    ).values_list("calendar__office_id", "weekday", "starts", "ends", "minutes"):
        span = (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
        total, days = per_office.get(office_id, (0.0, set()))
        days.add(weekday)
        per_office[office_id] = (total + span // max(minutes, 1), days)
    result = {}
    default_slots = DEFAULT_DAY_MINUTES // max(campaign.appointment_minutes, 1)
    for office_id in ids:
        n_calendars = calendars.get(office_id, 0)
        if office_id in per_office:
            total, days = per_office[office_id]
            # Slots of all calendars over the week, spread over the working days.
            result[office_id] = math.floor(total / max(len(days), 1))
        else:
            result[office_id] = n_calendars * default_slots
    return result


def do_set_capacities(campaign: Campaign, capacities: Mapping[int, int], *, by: Any = None) -> None:
    """Set people per day for each office (0: the office receives nobody for this campaign)."""
    if any(value < 0 for value in capacities.values()):
        raise ValidationError(_("La capacità non può essere negativa."), code="negative")
    with transaction.atomic(), _audit(by, "set_campaign_capacities", campaign):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.state == CampaignState.CLOSED:
            raise CampaignTransitionError(
                _("La campagna è chiusa: non si può modificare."), code="closed"
            )
        existing = {c.office_id: c for c in OfficeCapacity.objects.filter(campaign=locked)}
        for office_id, per_day in capacities.items():
            capacity = existing.get(office_id)
            if capacity is None:
                OfficeCapacity.objects.create(campaign=locked, office_id=office_id, per_day=per_day)
            elif capacity.per_day != per_day:
                capacity.per_day = per_day
                capacity.save(update_fields=["per_day"])


def do_move_campaign(campaign: Campaign, target: str, *, by: Any = None) -> Campaign:
    """draft → ready, ready → draft, running → closed. Launching has its own action."""
    if target == CampaignState.RUNNING:
        raise CampaignTransitionError(
            _("Per avviare la campagna usare il pulsante «Avvia»."), code="use_launch"
        )
    with transaction.atomic(), _audit(by, f"campaign_{target}", campaign):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        check_transition(locked, target, by)
        locked.state = target
        fields = ["state"]
        if target == CampaignState.CLOSED:
            locked.closed_at = timezone.now()
            fields.append("closed_at")
        locked.save(update_fields=fields)
    campaign.refresh_from_db()
    return campaign
