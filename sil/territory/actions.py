"""Writes on offices and their territorial competence. Each `do_*` runs in one transaction.

Reference data (regions, municipalities…) is written by `sil.territory.refdata`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from sil.core.commands import SyncResult, sync_table
from sil.territory.models import Competence, Office, OfficeKind
from sil.territory.offices import OfficeInput

CONTACT_FIELDS = ["address", "postal_code", "phone", "email", "pec", "opening_hours"]


@dataclass
class OfficeImportResult:
    offices: SyncResult
    competences_added: int
    competences_removed: int


@transaction.atomic
def do_import_offices(items: list[OfficeInput]) -> OfficeImportResult:
    """Upsert offices by code and make their competences exactly those given.

    Items come from `validate_offices`, which already rejected every conflict; offices not in
    the list are left alone.
    """
    by_code = {i.code: i for i in items}
    ids: dict[str, int] = dict(
        Office.objects.filter(code__in={i.parent_code for i in items} - set(by_code)).values_list(
            "code", "id"
        )
    )
    offices = SyncResult("Uffici")
    # Parents before children (region → CPI → desk), so each row can point at its parent's id.
    for level in _levels(items):
        rows: list[dict[str, Any]] = [
            {
                "code": item.code,
                "kind": item.kind,
                "name": item.name,
                "parent_id": ids[item.parent_code] if item.parent_code else None,
                "address": item.address,
                "postal_code": item.postal_code,
                "municipality_id": item.municipality_id,
                "phone": item.phone,
                "email": item.email,
                "pec": item.pec,
                "opening_hours": item.opening_hours,
                "is_active": True,
            }
            for item in level
        ]
        result = sync_table(Office, ["code"], rows)
        offices.created += result.created
        offices.updated += result.updated
        offices.unchanged += result.unchanged
        ids.update({key[0]: pk for key, pk in result.ids.items()})

    office_ids = [ids[i.code] for i in items]
    wanted = {(ids[i.code], m) for i in items for m in i.municipality_ids}
    stored = {
        (office_id, municipality_id): pk
        for pk, office_id, municipality_id in Competence.objects.filter(
            office_id__in=office_ids
        ).values_list("pk", "office_id", "municipality_id")
    }
    stale = [pk for pair, pk in stored.items() if pair not in wanted]
    Competence.objects.filter(pk__in=stale).delete()  # before adding: a comune may move CPI
    # A kind may have changed: the copy on the competence must follow before new rows go in.
    for kind in OfficeKind.values:
        Competence.objects.filter(office_id__in=office_ids, office__kind=kind).exclude(
            office_kind=kind
        ).update(office_kind=kind)
    kinds = {ids[i.code]: i.kind for i in items}
    new = [
        Competence(
            office_id=office_id, municipality_id=municipality_id, office_kind=kinds[office_id]
        )
        for office_id, municipality_id in sorted(wanted - set(stored))
    ]
    Competence.objects.bulk_create(new, batch_size=2000)
    return OfficeImportResult(offices, len(new), len(stale))


def _levels(items: list[OfficeInput]) -> list[list[OfficeInput]]:
    by_code = {i.code: i for i in items}

    def depth(item: OfficeInput, seen: frozenset[str] = frozenset()) -> int:
        parent = by_code.get(item.parent_code)
        if parent is None or item.code in seen:
            return 0
        return 1 + depth(parent, seen | {item.code})

    levels: dict[int, list[OfficeInput]] = {}
    for item in items:
        levels.setdefault(depth(item), []).append(item)
    return [levels[d] for d in sorted(levels)]


@transaction.atomic
def do_update_office_contacts(office: Office, **changes: str) -> Office:
    """Change an office's address, contacts and opening hours (the operator's edit form)."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(office, name, value)
    office.full_clean(exclude=["municipalities"])
    office.save(update_fields=list(changes))
    return office
