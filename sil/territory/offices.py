"""The offices file: CPIs, job desks and regional offices with the municipalities they serve.

CSV (UTF-8, `,`, header row). Required columns: code, kind, name, municipalities. Optional:
parent_code, address, postal_code, municipality_istat, phone, email, pec, opening_hours.
`kind` is cpi, desk or region; `municipalities` lists ISTAT codes separated by `;`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from sil.core.commands import ErrorLog, Row, read_csv
from sil.territory.models import Competence, Municipality, Office, OfficeKind

REQUIRED_COLUMNS = ["code", "kind", "name", "municipalities"]
OPTIONAL_COLUMNS = [
    "parent_code", "address", "postal_code", "municipality_istat", "phone", "email", "pec",
    "opening_hours",
]  # fmt: skip
COLUMNS = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
OFFICE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,19}")
POSTAL_CODE = re.compile(r"\d{5}")
ISTAT_CODE = re.compile(r"\d{6}")


@dataclass
class OfficeInput:
    code: str
    kind: str
    name: str
    parent_code: str
    address: str
    postal_code: str
    municipality_id: int | None
    phone: str
    email: str
    pec: str
    opening_hours: str
    municipality_ids: list[int] = field(default_factory=list)


def read_offices(path: Path, errors: ErrorLog) -> list[OfficeInput]:
    rows = read_csv(path, REQUIRED_COLUMNS, errors, label=str(path), optional=OPTIONAL_COLUMNS)
    return validate_offices(rows, str(path), errors)


def validate_offices(rows: list[Row], label: str, errors: ErrorLog) -> list[OfficeInput]:
    """Check every row (and the rows against each other and the database); collect errors."""
    current = dict(
        Municipality.objects.current().exclude(istat_code="").values_list("istat_code", "id")
    )
    names = dict(Municipality.objects.current().values_list("id", "name"))
    codes_in_file = {row["code"] for row in rows}
    known_codes = codes_in_file | set(Office.objects.values_list("code", flat=True))
    # CPI competences held by offices this file does not mention stay, so they still count.
    held = dict(
        Competence.objects.filter(office_kind=OfficeKind.CPI)
        .exclude(office__code__in=codes_in_file)
        .values_list("municipality_id", "office__code")
    )
    seen: dict[str, int] = {}
    cpi_rows: dict[int, tuple[str, int]] = {}
    out: list[OfficeInput] = []

    def bad(row: Row, column: str, message: str) -> None:
        errors.add(label, row.line, column, message)

    for row in rows:
        before = len(errors)
        code = row["code"]
        if not OFFICE_CODE.fullmatch(code):
            bad(row, "code", _("codice non valido «%s» (lettere, cifre, _ . -; max 20)") % code)
        elif code in seen:
            bad(
                row,
                "code",
                _("codice «%(c)s» già presente alla riga %(r)d") % {"c": code, "r": seen[code]},
            )
        else:
            seen[code] = row.line
        kind = row["kind"].lower()
        if kind not in OfficeKind.values:
            bad(row, "kind", _("tipo non valido «%s» (ammessi: cpi, desk, region)") % row["kind"])
        if not row["name"]:
            bad(row, "name", _("denominazione mancante"))
        elif len(row["name"]) > 200:
            bad(row, "name", _("denominazione troppo lunga (max 200 caratteri)"))
        parent = row["parent_code"]
        if parent and (parent not in known_codes or parent == code):
            bad(row, "parent_code", _("ufficio di riferimento «%s» sconosciuto") % parent)
        if row["postal_code"] and not POSTAL_CODE.fullmatch(row["postal_code"]):
            bad(row, "postal_code", _("CAP non valido «%s» (5 cifre)") % row["postal_code"])
        seat = row["municipality_istat"]
        if seat and seat not in current:
            bad(row, "municipality_istat", _("comune «%s» sconosciuto o soppresso") % seat)
        for column in ("email", "pec"):
            if row[column]:
                try:
                    validate_email(row[column])
                except ValidationError:
                    bad(row, column, _("indirizzo e-mail non valido «%s»") % row[column])
        if len(row["phone"]) > 40:
            bad(row, "phone", _("telefono troppo lungo (max 40 caratteri)"))
        served: list[int] = []
        for istat in dict.fromkeys(
            c.strip() for c in row["municipalities"].split(";") if c.strip()
        ):
            if not ISTAT_CODE.fullmatch(istat) or istat not in current:
                bad(row, "municipalities", _("comune «%s» sconosciuto o soppresso") % istat)
                continue
            municipality_id = current[istat]
            if kind == OfficeKind.CPI:
                if municipality_id in cpi_rows:
                    other_code, other_line = cpi_rows[municipality_id]
                    bad(row, "municipalities", _("comune %(m)s (%(i)s) già assegnato al CPI %(o)s alla riga %(r)d")
                        % {"m": names[municipality_id], "i": istat, "o": other_code, "r": other_line})  # fmt: skip
                    continue
                if municipality_id in held:
                    bad(row, "municipalities", _("comune %(m)s (%(i)s) già assegnato al CPI %(o)s")
                        % {"m": names[municipality_id], "i": istat, "o": held[municipality_id]})  # fmt: skip
                    continue
                cpi_rows[municipality_id] = (code, row.line)
            served.append(municipality_id)
        if len(errors) == before:
            out.append(
                OfficeInput(
                    code=code,
                    kind=kind,
                    name=row["name"],
                    parent_code=parent,
                    address=row["address"][:200],
                    postal_code=row["postal_code"],
                    municipality_id=current.get(seat) if seat else None,
                    phone=row["phone"],
                    email=row["email"],
                    pec=row["pec"],
                    opening_hours=row["opening_hours"],
                    municipality_ids=served,
                )
            )
    parents = {item.code: item.parent_code for item in out}
    lines = {row["code"]: row.line for row in rows}
    for item in out:
        chain, code = {item.code}, item.parent_code
        while code in parents:
            if code in chain:
                errors.add(
                    label, lines[item.code], "parent_code", _("riferimento circolare tra uffici")
                )
                break
            chain.add(code)
            code = parents[code]
    return out
