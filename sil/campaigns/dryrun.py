"""The dry run of a campaign: what launching it now would do, without sending or booking.

Recipients per CPI, exclusions by reason, SMS segments and estimated cost, slots needed against
the free capacity day by day, and the day the last person would be seen, per CPI and overall
(from `sil.campaigns.scheduling.forecast`). Shown as a page with a chart and as JSON
(`sil campaigns dry-run --campaign SLUG --json`, `/api/v1/campaigns/<id>/dry-run/`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sil.campaigns.defaults import SAMPLE, default_text
from sil.campaigns.models import (
    OPEN_CONVOCATION_STATES,
    Campaign,
    ExclusionReason,
    MessageTemplate,
    TemplateStep,
)
from sil.campaigns.scheduling import Forecast, forecast
from sil.notifications.sms import sms_length


def fill(text: str, values: dict[str, str] | None = None) -> str:
    """The text with its {placeholders} replaced (unknown braces stay as written)."""
    values = values or SAMPLE
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def sms_figures(text: str) -> dict[str, Any]:
    """Encoding, length and segments of an SMS text once filled with sample values."""
    length = sms_length(fill(text))
    return {
        "encoding": length.encoding,
        "units": length.units,
        "segments": length.segments,
        "non_gsm": list(length.non_gsm),
    }


@dataclass
class OfficeRun:
    office_id: int
    code: str
    name: str
    recipients: int
    with_phone: int
    with_email: int
    per_day: int | None = None
    capacity: int = 0
    shortfall: int = 0
    last_day: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "office_id": self.office_id,
            "code": self.code,
            "name": self.name,
            "recipients": self.recipients,
            "with_phone": self.with_phone,
            "with_email": self.with_email,
            "per_day": self.per_day,
            "capacity": self.capacity,
            "shortfall": self.shortfall,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "late": bool(self.shortfall),
        }


@dataclass
class DryRun:
    campaign_id: int
    slug: str
    deadline: dt.date
    recipients: int
    offices: list[OfficeRun]
    excluded: dict[str, int]
    sms_steps: list[dict[str, Any]]
    sms_recipients: int
    sms_messages: int
    sms_segments: int
    sms_cost_cents: int
    forecast: Forecast
    warnings: list[str] = field(default_factory=list)

    @property
    def last_day(self) -> dt.date | None:
        return self.forecast.last_day

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "slug": self.slug,
            "deadline": self.deadline.isoformat(),
            "recipients": self.recipients,
            "recipients_by_office": {o.code: o.recipients for o in self.offices},
            "offices": [o.as_dict() for o in self.offices],
            "excluded": sum(self.excluded.values()),
            "excluded_by_reason": self.excluded,
            "sms": {
                "steps": self.sms_steps,
                "recipients": self.sms_recipients,
                "messages": self.sms_messages,
                "segments": self.sms_segments,
                "cost_cents": self.sms_cost_cents,
                "cost_euro": round(self.sms_cost_cents / 100, 2),
            },
            "slots": {
                "needed": self.forecast.needed,
                "capacity": self.forecast.capacity,
                "shortfall": self.forecast.shortfall,
                "feasible": self.forecast.feasible,
                "first_day": self.forecast.first_day.isoformat(),
                "days": [d.as_dict() for d in self.forecast.days],
            },
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "warnings": self.warnings,
        }

    def summary(self) -> str:
        lines = [
            _("Persone da convocare: %(n)d (escluse %(x)d).")
            % {"n": self.recipients, "x": sum(self.excluded.values())},
        ]
        for office in self.offices:
            lines.append(
                f"  {office.code}: {office.recipients} "
                + _("(capacità %(c)d, ultimo giorno %(d)s)")
                % {"c": office.capacity, "d": office.last_day or "-"}
            )
        lines.append(
            _("SMS: %(m)d messaggi, %(s)d segmenti, costo stimato € %(e).2f.")
            % {"m": self.sms_messages, "s": self.sms_segments, "e": self.sms_cost_cents / 100}
        )
        lines.append(
            _("Posti necessari %(n)d, disponibili %(c)d; ultimo giorno %(d)s (termine %(t)s).")
            % {
                "n": self.forecast.needed,
                "c": self.forecast.capacity,
                "d": self.last_day or "-",
                "t": self.deadline,
            }
        )
        lines.extend(self.warnings)
        return "\n".join(lines)


def _sms_steps(campaign: Campaign) -> list[dict[str, Any]]:
    """Each SMS the plan sends a person: the invitation and one per reminder offset."""
    texts = {
        t.step: t.body
        for t in MessageTemplate.objects.filter(campaign=campaign, channel="sms", language="it")
    }
    plan = [(TemplateStep.INVITATION, None)] + [
        (TemplateStep.REMINDER, days) for days in campaign.reminder_days
    ]
    steps = []
    for step, days in plan:
        body = texts.get(step) or default_text(step, "sms", "it")[1]
        steps.append({"step": str(step), "days_before": days, "text": body, **sms_figures(body)})
    return steps


def dry_run(campaign: Campaign) -> DryRun:
    open_states = [str(s) for s in OPEN_CONVOCATION_STATES]
    rows = list(
        campaign.convocations.filter(state__in=open_states, office__isnull=False)
        .values("office_id", "office__code", "office__name")
        .annotate(
            n=Count("id"),
            phone=Count("id", filter=~Q(phone="")),
            email=Count("id", filter=~Q(email="")),
        )
        .order_by("office__code")
    )
    offices = {
        r["office_id"]: OfficeRun(
            r["office_id"], r["office__code"], r["office__name"], r["n"], r["phone"], r["email"]
        )
        for r in rows
    }
    projection = forecast(campaign)
    for office_forecast in projection.offices:
        office = offices.get(office_forecast.office_id)
        if office is not None:
            office.per_day = office_forecast.per_day
            office.capacity = office_forecast.capacity
            office.shortfall = office_forecast.shortfall
            office.last_day = office_forecast.last_day
    labels = dict(ExclusionReason.choices)
    excluded = {
        reason: n
        for reason, n in campaign.exclusions.values_list("reason")
        .annotate(n=Count("id"))
        .order_by("reason")
        if reason in labels
    }
    steps = _sms_steps(campaign) if "sms" in campaign.channels else []
    with_phone = sum(o.with_phone for o in offices.values()) if steps else 0
    segments = with_phone * sum(s["segments"] for s in steps)
    warnings: list[str] = []
    if projection.shortfall:
        warnings.append(
            _(
                "Con la capacità attuale %(n)d persone non avrebbero un appuntamento entro il "
                "termine: aumentare la capacità o aggiungere disponibilità nelle agende."
            )
            % {"n": projection.shortfall}
        )
    if any(s["encoding"] == "UCS-2" for s in steps):
        warnings.append(
            _(
                "Un testo SMS contiene caratteri fuori dall'alfabeto GSM (per esempio lettere "
                "maiuscole accentate o apostrofi tipografici): ogni SMS costa più segmenti."
            )
        )
    return DryRun(
        campaign_id=campaign.pk,
        slug=campaign.slug,
        deadline=campaign.deadline,
        recipients=sum(o.recipients for o in offices.values()),
        offices=list(offices.values()),
        excluded=excluded,
        sms_steps=steps,
        sms_recipients=with_phone,
        sms_messages=with_phone * len(steps),
        sms_segments=segments,
        sms_cost_cents=segments * campaign.sms_cost_cents,
        forecast=projection,
        warnings=warnings,
    )


def chart_config(run: DryRun) -> tuple[dict[str, Any], dict[str, Any]]:
    """Chart.js configuration and the same figures as a table: per day, the places this
    campaign can use and those the projection fills, with the deadline in the title."""
    days = run.forecast.days
    labels = [d.day.strftime("%d/%m") for d in days]
    config = {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {"label": str(_("posti disponibili")), "data": [d.capacity for d in days]},
                {"label": str(_("appuntamenti previsti")), "data": [d.used for d in days]},
            ],
        },
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }
    table = {
        "headers": [_("giorno"), _("posti disponibili"), _("appuntamenti previsti")],
        "rows": [[d.day.strftime("%d/%m/%Y"), d.capacity, d.used] for d in days],
    }
    return config, table
