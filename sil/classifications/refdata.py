"""Classifications from official files: CP2011/CP2021, ISCO-08, ESCO (+ CP2011 crosswalk), ATECO,
titoli di studio, contract types. The openly licensed files ship in `SHIPPED` (see SOURCES.md
there); the `ateco` package can provide ATECO alone (`sil refdata load --packages`).

Every file is validated in full (code shapes, levels, parents, references between files or to
what is already stored) before anything is written; writes are upserts by natural key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from sil.classifications.models import (
    ContractType,
    EconomicActivity,
    EducationLevel,
    EscoOccupation,
    EscoProfessionMapping,
    IscoGroup,
    Profession,
    ProfessionSystem,
)
from sil.core.commands import (
    ErrorLog,
    Row,
    Step,
    SyncResult,
    find_file,
    glob_files,
    read_csv,
    sync_table,
)

# The reference files that ship with OpenSIL (gzip-compressed; provenance in SOURCES.md).
SHIPPED = Path(__file__).resolve().parent / "data"

PROFESSION_FILES = {
    "cp2011": "professioni/cp2011_voci.csv",
    "cp2021": "professioni/cp2021_voci.csv",
}
ISCO_FILE = "professioni/isco08_gruppi_it.csv"
ESCO_FILE = "professioni/esco_occupazioni_it.csv"
MAPPING_GLOB = "professioni/esco_cp2011_mapping*.csv"
ATECO_FILES = {edition: f"ateco/ateco_{edition}.csv" for edition in ("2007", "2022", "2025")}
EDUCATION_FILE = "istruzione/titoli_studio.csv"
CONTRACT_FILE = "contratti/tipologie_contrattuali.csv"

ATECO_LEVELS = ["section", "division", "group", "class", "category", "subcategory"]
ATECO_CODE = re.compile(r"[A-Z]|\d{2}(\.\d{1,2}){0,3}")
PROFESSION_CODE = re.compile(r"\d+(\.\d+){0,4}")
ISCO_CODE = re.compile(r"\d{1,4}")
ESCO_URI = re.compile(r"http://data\.europa\.eu/esco/occupation/[0-9a-f-]{36}")
# The crosswalk also maps some CP2011 codes straight to ISCO groups: not occupations, skipped.
ISCO_URI = re.compile(r"http://data\.europa\.eu/esco/isco/C\d{1,4}")
EDUCATION_CODE = re.compile(r"[A-Z0-9_]{1,10}")
CONTRACT_CODE = re.compile(r"[A-Z0-9][A-Z0-9.]{0,9}")
RELATIONS = {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch"}


@dataclass
class ClassificationData:
    professions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    isco: list[dict[str, Any]] | None = None
    esco: list[dict[str, Any]] | None = None
    mapping: list[dict[str, Any]] | None = None
    ateco: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    education: list[dict[str, Any]] | None = None
    contracts: list[dict[str, Any]] | None = None


def _bad(errors: ErrorLog, label: str, row: Row, column: str, message: str) -> bool:
    errors.add(label, row.line, column, message)
    return False


def _code(errors: ErrorLog, label: str, row: Row, column: str, pattern: re.Pattern[str]) -> bool:
    if pattern.fullmatch(row[column]):
        return True
    return _bad(errors, label, row, column, _("codice non valido «%s»") % row[column])


def _unique(errors: ErrorLog, label: str, row: Row, column: str, seen: dict[str, int]) -> bool:
    value = row[column]
    if value in seen:
        return _bad(
            errors,
            label,
            row,
            column,
            _("codice «%(c)s» già presente alla riga %(r)d") % {"c": value, "r": seen[value]},
        )
    seen[value] = row.line
    return True


def _required(errors: ErrorLog, label: str, row: Row, column: str) -> bool:
    return bool(row[column]) or _bad(errors, label, row, column, _("valore mancante"))


def _level(errors: ErrorLog, label: str, row: Row, column: str, expected: int) -> bool:
    if row[column] == str(expected):
        return True
    return _bad(
        errors,
        label,
        row,
        column,
        _("livello «%(l)s» incoerente con il codice (atteso %(e)d)")
        % {"l": row[column], "e": expected},
    )


def parse_professions(path: Path, system: str, errors: ErrorLog) -> list[dict[str, Any]]:
    label, column = str(path), f"codice_{system}"
    rows = read_csv(path, [column, "livello", "denominazione"], errors, label=label)
    out, seen = [], {}
    for row in rows:
        ok = _code(errors, label, row, column, PROFESSION_CODE) and _unique(
            errors, label, row, column, seen
        )
        ok = ok and _level(errors, label, row, "livello", len(row[column].split(".")))
        ok &= _required(errors, label, row, "denominazione")
        if ok:
            out.append(
                {"code": row[column], "level": int(row["livello"]), "name": row["denominazione"]}
            )
    codes = {r["code"] for r in out} | set(
        Profession.objects.filter(system=system).values_list("code", flat=True)
    )
    for item in out:
        # The files hold only the upper levels ESCO maps to: hang each code on its nearest ancestor.
        parts = item["code"].split(".")
        item["parent"] = next(
            (
                ".".join(parts[:n])
                for n in range(len(parts) - 1, 0, -1)
                if ".".join(parts[:n]) in codes
            ),
            None,
        )
    return out


def parse_isco(path: Path, errors: ErrorLog) -> list[dict[str, Any]]:
    label = str(path)
    rows = read_csv(
        path, ["isco08_code", "livello", "label_it", "label_en", "esco_uri"], errors, label=label
    )
    out, seen = [], {}
    for row in rows:
        ok = _code(errors, label, row, "isco08_code", ISCO_CODE) and _unique(
            errors, label, row, "isco08_code", seen
        )
        ok = ok and _level(errors, label, row, "livello", len(row["isco08_code"]))
        ok &= _required(errors, label, row, "label_it")
        if ok:
            code = row["isco08_code"]
            out.append({"code": code, "level": len(code), "name": row["label_it"], "name_en": row["label_en"], "esco_uri": row["esco_uri"], "parent": code[:-1] or None, "_line": row.line})  # fmt: skip
    codes = set(seen) | set(IscoGroup.objects.values_list("code", flat=True))
    for item in out:
        if item["parent"] and item["parent"] not in codes:
            errors.add(
                label,
                item["_line"],
                "isco08_code",
                _("gruppo superiore «%s» sconosciuto") % item["parent"],
            )
    return out


def parse_esco(path: Path, errors: ErrorLog, isco_codes: set[str]) -> list[dict[str, Any]]:
    label = str(path)
    columns = [
        "esco_uri",
        "isco08_code",
        "preferred_label_it",
        "alt_labels_it",
        "preferred_label_en",
    ]
    out, seen = [], {}
    for row in read_csv(path, columns, errors, label=label):
        ok = _code(errors, label, row, "esco_uri", ESCO_URI) and _unique(
            errors, label, row, "esco_uri", seen
        )
        ok &= _required(errors, label, row, "preferred_label_it")
        if row["isco08_code"] and row["isco08_code"] not in isco_codes:
            ok = _bad(
                errors,
                label,
                row,
                "isco08_code",
                _("gruppo ISCO «%s» sconosciuto") % row["isco08_code"],
            )
        if ok:
            alt = [a.strip()[:300] for a in row["alt_labels_it"].split(" | ") if a.strip()]
            out.append({"uri": row["esco_uri"], "isco": row["isco08_code"] or None, "name": row["preferred_label_it"][:300], "name_en": row["preferred_label_en"][:300], "alt_names": alt})  # fmt: skip
    return out


def parse_mapping(path: Path, errors: ErrorLog, cp_codes: set[str]) -> list[dict[str, Any]]:
    label = str(path)
    uri, name, code, relation = (
        "Classification 1 URI",
        "Classification 1 PrefLabel",
        "Classification 2 ID",
        "Mapping relation",
    )
    rows = read_csv(path, [uri, name, code, relation], errors, label=label, header_startswith=uri)
    out, seen = [], {}
    for row in rows:
        if ISCO_URI.fullmatch(row[uri]):
            continue
        ok = _code(errors, label, row, uri, ESCO_URI)
        if row[code] not in cp_codes:
            ok = _bad(errors, label, row, code, _("codice CP2011 «%s» sconosciuto") % row[code])
        if row[relation] not in RELATIONS:
            ok = _bad(errors, label, row, relation, _("relazione non valida «%s»") % row[relation])
        pair = f"{row[uri]} {row[code]}"
        if ok and pair in seen:
            ok = _bad(
                errors, label, row, code, _("corrispondenza già presente alla riga %d") % seen[pair]
            )
        if ok:
            seen[pair] = row.line
            out.append(
                {
                    "uri": row[uri],
                    "label": row[name][:300],
                    "code": row[code],
                    "relation": row[relation].removeprefix("skos:"),
                }
            )
    return out


def parse_ateco_rows(
    rows: list[Row], label: str, edition: str, errors: ErrorLog
) -> list[dict[str, Any]]:
    out, seen = [], {}
    for row in rows:
        ok = _code(errors, label, row, "codice", ATECO_CODE) and _unique(
            errors, label, row, "codice", seen
        )
        if row["livello"] not in ATECO_LEVELS:
            ok = _bad(errors, label, row, "livello", _("livello non valido «%s»") % row["livello"])
        ok &= _required(errors, label, row, "descrizione")
        if ok:
            out.append({"code": row["codice"], "level": row["livello"], "name": row["descrizione"][:500], "parent": row["codice_padre"] or None, "_line": row.line})  # fmt: skip
    codes = set(seen) | set(
        EconomicActivity.objects.filter(edition=edition).values_list("code", flat=True)
    )
    for item in out:
        if item["parent"] and item["parent"] not in codes:
            errors.add(
                label,
                item["_line"],
                "codice_padre",
                _("codice padre «%s» sconosciuto") % item["parent"],
            )
        elif (item["level"] == "section") != (item["parent"] is None):
            errors.add(
                label, item["_line"], "codice_padre", _("solo le sezioni non hanno codice padre")
            )
    return out


def parse_education(path: Path, errors: ErrorLog) -> list[dict[str, Any]]:
    label = str(path)
    columns = ["codice_1_livello", "label_ITA_1_livello", "label_ENG_1_livello", "definizione"]
    out, seen = [], {}
    for position, row in enumerate(read_csv(path, columns, errors, label=label), start=1):
        ok = _code(errors, label, row, "codice_1_livello", EDUCATION_CODE) and _unique(
            errors, label, row, "codice_1_livello", seen
        )
        ok &= _required(errors, label, row, "label_ITA_1_livello")
        if ok:
            out.append({"code": row["codice_1_livello"], "name": row["label_ITA_1_livello"], "name_en": row["label_ENG_1_livello"], "description": row["definizione"], "position": position})  # fmt: skip
    return out


def parse_contracts(path: Path, errors: ErrorLog) -> list[dict[str, Any]]:
    label = str(path)
    out, seen = [], {}
    for row in read_csv(path, ["codice", "denominazione"], errors, label=label):
        ok = _code(errors, label, row, "codice", CONTRACT_CODE) and _unique(
            errors, label, row, "codice", seen
        )
        ok &= _required(errors, label, row, "denominazione")
        if ok:
            out.append({"code": row["codice"], "name": row["denominazione"][:300]})
    return out


def read_directory(directory: Path, errors: ErrorLog) -> ClassificationData:
    """The files of `directory` (plain or `.gz`) that it holds; absent files are not loaded."""
    data = ClassificationData()
    for system, relative in PROFESSION_FILES.items():
        if path := find_file(directory, relative):
            data.professions[system] = parse_professions(path, system, errors)
    if path := find_file(directory, ISCO_FILE):
        data.isco = parse_isco(path, errors)
    if path := find_file(directory, ESCO_FILE):
        isco_codes = {g["code"] for g in data.isco or []} | set(
            IscoGroup.objects.values_list("code", flat=True)
        )
        data.esco = parse_esco(path, errors, isco_codes)
    for path in glob_files(directory, MAPPING_GLOB):
        cp_codes = {p["code"] for p in data.professions.get("cp2011", [])}
        cp_codes |= set(
            Profession.objects.filter(system=ProfessionSystem.CP2011).values_list("code", flat=True)
        )
        data.mapping = [*(data.mapping or []), *parse_mapping(path, errors, cp_codes)]
    for edition, relative in ATECO_FILES.items():
        if path := find_file(directory, relative):
            rows = read_csv(
                path, ["codice", "livello", "descrizione", "codice_padre"], errors, label=str(path)
            )
            data.ateco[edition] = parse_ateco_rows(rows, str(path), edition, errors)
    if path := find_file(directory, EDUCATION_FILE):
        data.education = parse_education(path, errors)
    if path := find_file(directory, CONTRACT_FILE):
        data.contracts = parse_contracts(path, errors)
    return data


def read_packages(errors: ErrorLog) -> ClassificationData:
    """ATECO 2007, 2022 and 2025 from the `ateco` package (the only classification on PyPI)."""
    data = ClassificationData()
    base = resources.files("ateco") / "data"
    for edition in ATECO_FILES:
        label = f"ateco/data/{edition}/nodes.json"
        nodes = json.loads((base / edition / "nodes.json").read_text(encoding="utf-8"))["nodes"]
        rows = [Row(i, {"codice": n["code"], "livello": n["level"], "descrizione": n["title"], "codice_padre": n.get("parent") or ""})
                for i, n in enumerate(nodes, start=1)]  # fmt: skip
        data.ateco[edition] = parse_ateco_rows(rows, label, edition, errors)
    return data


# --- writing -----------------------------------------------------------------------------


def _sync_tree(model: type[models.Model], scope: dict[str, Any], rows: list[dict[str, Any]],
               levels: list[Any], table: str) -> SyncResult:  # fmt: skip
    """Parents before children, one level at a time, so each row can point at its parent's id."""
    ids = dict(model._default_manager.filter(**scope).values_list("code", "id"))
    total = SyncResult(table)
    for level in levels:
        batch = [
            {**scope, **{k: v for k, v in r.items() if k != "parent" and not k.startswith("_")},
             "parent_id": ids[r["parent"]] if r["parent"] else None}
            for r in rows if r["level"] == level
        ]  # fmt: skip
        result = sync_table(
            model, [*scope, "code"], batch, existing=model._default_manager.filter(**scope)
        )
        total.created += result.created
        total.updated += result.updated
        total.unchanged += result.unchanged
        ids.update({key[-1]: pk for key, pk in result.ids.items()})
    return total


def _load_esco(data: ClassificationData) -> SyncResult:
    isco = dict(IscoGroup.objects.values_list("code", "id"))
    rows = [{"uri": o["uri"], "isco_group_id": isco.get(o["isco"]) if o["isco"] else None, "name": o["name"], "name_en": o["name_en"], "alt_names": o["alt_names"]}
            for o in data.esco or []]  # fmt: skip
    return sync_table(EscoOccupation, ["uri"], rows, table=_("Occupazioni ESCO"))


def _load_mapping(data: ClassificationData) -> SyncResult:
    mapping = data.mapping or []
    # The crosswalk names a few occupations missing from the occupations file: keep them by label.
    known = set(EscoOccupation.objects.values_list("uri", flat=True))
    missing = {m["uri"]: m["label"] for m in mapping if m["uri"] not in known}
    sync_table(EscoOccupation, ["uri"], [{"uri": u, "name": n} for u, n in missing.items()])
    occupations = dict(EscoOccupation.objects.values_list("uri", "id"))
    professions = dict(
        Profession.objects.filter(system=ProfessionSystem.CP2011).values_list("code", "id")
    )
    rows = [
        {
            "occupation_id": occupations[m["uri"]],
            "profession_id": professions[m["code"]],
            "relation": m["relation"],
        }
        for m in mapping
    ]
    return sync_table(
        EscoProfessionMapping,
        ["occupation_id", "profession_id"],
        rows,
        table=_("Corrispondenze ESCO–CP2011"),
    )


def plan(data: ClassificationData) -> list[Step]:
    steps: list[Step] = []
    for system, rows in data.professions.items():
        steps.append(
            (
                system.upper(),
                lambda s=system, r=rows: _sync_tree(
                    Profession, {"system": s}, r, [1, 2, 3, 4, 5], s.upper()
                ),
            )
        )
    if data.isco is not None:
        steps.append(
            ("ISCO-08", lambda: _sync_tree(IscoGroup, {}, data.isco or [], [1, 2, 3, 4], "ISCO-08"))
        )
    if data.esco is not None:
        steps.append((_("Occupazioni ESCO"), lambda: _load_esco(data)))
    if data.mapping is not None:
        steps.append((_("Corrispondenze ESCO–CP2011"), lambda: _load_mapping(data)))
    for edition, rows in data.ateco.items():
        table = f"ATECO {edition}"
        steps.append(
            (
                table,
                lambda e=edition, r=rows, t=table: _sync_tree(
                    EconomicActivity, {"edition": e}, r, ATECO_LEVELS, t
                ),
            )
        )
    if data.education is not None:
        steps.append(
            (
                _("Titoli di studio"),
                lambda: sync_table(
                    EducationLevel, ["code"], data.education or [], table=_("Titoli di studio")
                ),
            )
        )
    if data.contracts is not None:
        steps.append(
            (
                _("Tipologie contrattuali"),
                lambda: sync_table(
                    ContractType, ["code"], data.contracts or [], table=_("Tipologie contrattuali")
                ),
            )
        )
    return steps


def do_load_classifications(data: ClassificationData) -> list[SyncResult]:
    with transaction.atomic():
        return [step() for _label, step in plan(data)]
