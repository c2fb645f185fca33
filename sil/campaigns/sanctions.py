"""Sanctionable events ("eventi suscettibili di sanzione") for the national platform.

An export takes the events not yet transmitted (or one earlier batch, to send it again) as CSV
or JSON with one row per event: CF, programme, outcome code, date, CPI code, campaign and
convocation id. Marking an export as transmitted stamps its events with a batch id, so the same
event is never sent twice by mistake and a batch can always be reproduced.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.campaigns.models import Campaign, SanctionEvent
from sil.core.audit import audit_context
from sil.core.exports import csv_text

FIELDS = (
    "codice_fiscale",
    "misura",
    "codice_evento",
    "data_evento",
    "codice_cpi",
    "campagna",
    "id_convocazione",
)
FORMATS = ("csv", "json")


class SanctionExportError(ValueError):
    pass


def events(
    campaign: Campaign | None = None, *, batch: str = "", offices: set[int] | None = None
) -> QuerySet[SanctionEvent]:
    """Events to export: not yet transmitted, or those of `batch`; `offices` scopes an operator."""
    queryset = SanctionEvent.objects.select_related(
        "person", "programme", "convocation__office", "convocation__campaign"
    ).order_by("occurred_on", "id")
    if campaign is not None:
        queryset = queryset.filter(convocation__campaign=campaign)
    if batch:
        queryset = queryset.filter(export_batch=batch)
    else:
        queryset = queryset.filter(exported_at__isnull=True)
    if offices is not None:
        queryset = queryset.filter(convocation__office_id__in=sorted(offices))
    return queryset


def row(event: SanctionEvent) -> dict[str, Any]:
    convocation = event.convocation
    office = convocation.office
    return {
        "codice_fiscale": event.person.fiscal_code,
        "misura": event.programme.code,
        "codice_evento": event.code,
        "data_evento": event.occurred_on.isoformat(),
        "codice_cpi": office.code if office is not None else "",
        "campagna": convocation.campaign.slug,
        "id_convocazione": convocation.pk,
    }


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The platform's layout; cells made safe for spreadsheets (the file is often opened)."""
    return csv_text(FIELDS, ([row[name] for name in FIELDS] for row in rows), delimiter=";")


def to_json(rows: Iterable[dict[str, Any]], *, batch: str = "") -> str:
    payload = {
        "lotto": batch or None,
        "generato_il": timezone.now().isoformat(timespec="seconds"),
        "eventi": list(rows),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def render(selected: Iterable[SanctionEvent], fmt: str, *, batch: str = "") -> str:
    if fmt not in FORMATS:
        raise SanctionExportError(_("Formato non valido: usare csv o json."))
    rows = [row(event) for event in selected]
    return to_csv(rows) if fmt == "csv" else to_json(rows, batch=batch)


def new_batch_id(campaign: Campaign | None = None) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    prefix = f"{campaign.pk}-" if campaign is not None else ""
    return f"S{prefix}{stamp}-{secrets.token_hex(3)}"[:40]


def do_mark_exported(event_ids: Iterable[int], *, batch: str = "", by: Any = None) -> str:
    """Stamp these events, still untransmitted, as sent in one batch; returns the batch id."""
    ids = sorted(set(event_ids))
    batch = batch or new_batch_id()
    context: dict[str, Any] = {"action": "export_sanctions", "batch": batch}
    if getattr(by, "pk", None):
        context.update(user=by.pk, username=by.get_username())
    with transaction.atomic(), audit_context(**context):
        SanctionEvent.objects.filter(pk__in=ids, exported_at__isnull=True).update(
            exported_at=timezone.now(), export_batch=batch
        )
    return batch


@dataclass
class Export:
    content: str
    batch: str
    events: list[SanctionEvent]

    @property
    def count(self) -> int:
        return len(self.events)


def export(
    campaign: Campaign | None,
    fmt: str,
    *,
    mark_sent: bool = False,
    batch: str = "",
    by: Any = None,
    offices: set[int] | None = None,
) -> Export:
    """The file, its batch id ("" when not marked) and the events. With `batch`, that batch
    again, unchanged.

    With `mark_sent`, the events exported are stamped with a new batch id in the same
    transaction that reads them, so two exports running together never share an event.
    """
    if fmt not in FORMATS:
        raise SanctionExportError(_("Formato non valido: usare csv o json."))
    if batch:
        selected = list(events(campaign, batch=batch, offices=offices))
        if not selected:
            raise SanctionExportError(_("Nessun evento nel lotto %(batch)s.") % {"batch": batch})
        return Export(render(selected, fmt, batch=batch), batch, selected)
    with transaction.atomic():
        queryset = events(campaign, offices=offices)
        if mark_sent:
            queryset = queryset.select_for_update(of=("self",), skip_locked=True)
        selected = list(queryset)
        new_batch = ""
        if mark_sent and selected:
            new_batch = do_mark_exported(
                [event.pk for event in selected], batch=new_batch_id(campaign), by=by
            )
        return Export(render(selected, fmt, batch=new_batch), new_batch, selected)


def batches(campaign: Campaign) -> list[dict[str, Any]]:
    """Earlier batches of a campaign, newest first, with their size."""
    from django.db.models import Count, Max

    rows = (
        SanctionEvent.objects.filter(convocation__campaign=campaign, exported_at__isnull=False)
        .values("export_batch")
        .annotate(events=Count("id"), at=Max("exported_at"))
        .order_by("-at")
    )
    return [dict(row) for row in rows]
