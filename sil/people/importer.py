"""Bulk import of people from a CSV file (`sil people import FILE.csv`).

The whole file is read and validated first, with the same checks as every other way in
(`sil.people.actions.build_person` → `clean_person_data`); every bad row is reported with its
line number, column, a stable machine code and an Italian message. Only then, in one
transaction, new people are inserted and existing ones (same codice fiscale) updated through the
COPY loader (sil.people.bulk, which runs these checks fast and falls back to `check_row`).
The format is documented in docs/people-import.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core import fiscal_code as cf
from sil.people.actions import EDITABLE_FIELDS, Lookups, build_person
from sil.people.models import Person, plain_text, plain_upper
from sil.territory.models import Country, Municipality

# Column → Person field, in the documented order; the first eleven must be in the header.
COLUMNS: dict[str, str] = {
    "codice_fiscale": "fiscal_code",
    "cognome": "last_name",
    "nome": "first_name",
    "sesso": "sex",
    "data_nascita": "birth_date",
    "comune_nascita": "birth_municipality",
    "cittadinanza": "citizenship",
    "comune_residenza": "residence_municipality",
    "indirizzo": "residence_address",
    "telefono": "phone",
    "email": "email",
    "comune_domicilio": "domicile_municipality",
    "indirizzo_domicilio": "domicile_address",
}
REQUIRED_COLUMNS = tuple(list(COLUMNS)[:11])
OPTIONAL_COLUMNS = ("comune_domicilio", "indirizzo_domicilio")
FIELD_COLUMNS = {name: column for column, name in COLUMNS.items()}
FIELD_COLUMNS["birth_country"] = "comune_nascita"

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
SEXES = {"M": "M", "F": "F", "MASCHIO": "M", "FEMMINA": "F", "MASCHILE": "M", "FEMMINILE": "F"}
ISTAT_CODE = re.compile(r"^[0-9]{5,6}$")
CADASTRAL_CODE = re.compile(r"^[A-Z][0-9]{3}$")
NAME_WITH_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2}|EE)\)$")

# (field, code of the ValidationError raised by the actions) → stable import code.
ACTION_CODES = {
    ("fiscal_code", "shape"): "cf_invalid",
    ("fiscal_code", "check_character"): "cf_check",
    ("fiscal_code", cf.PROVISIONAL_CHECK_DIGIT_ERROR): "cf_check",
    ("fiscal_code", "birth_date"): "cf_birth_date",
    ("birth_date", "future"): "date_future",
    ("email", "invalid"): "email_invalid",
    ("phone", "invalid"): "phone_invalid",
    ("citizenship", "invalid"): "citizenship_invalid",
    ("birth_municipality", "two_birthplaces"): "birthplace_conflict",
}

WARNING_COLUMNS = {
    "sex_mismatch": "sesso",
    "birth_date_mismatch": "data_nascita",
    "birthplace_mismatch": "comune_nascita",
    "unknown_birthplace": "codice_fiscale",
    "birthplace_not_valid_on_birth_date": "codice_fiscale",
}


@dataclass
class RowError:
    row: int | None
    field: str
    code: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    dry_run: bool = False
    encoding: str = ""
    delimiter: str = ""
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


def _no_progress(items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
    return items


# -- reading -----------------------------------------------------------------------------------


class UnreadableText(ValueError):
    """The bytes are not a text file the importers read; `code` and `message` go to the report."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), else Windows-1252. Binary content (a NUL
    byte: an image, a PDF, UTF-16) or bytes no such encoding reads raise UnreadableText."""
    if b"\x00" in raw:
        raise UnreadableText(
            "file_binary",
            _(
                "Il file non è un file di testo CSV (contiene byte nulli): "
                "salvarlo come CSV (UTF-8) o Excel (.xlsx)."
            ),
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return raw.decode(encoding.removesuffix("-sig")), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableText(
        "file_encoding",
        _("Codifica del file non riconosciuta: salvarlo come CSV UTF-8 o Windows-1252."),
    )


def detect_delimiter(header_line: str) -> str:
    """`;` when the header has more semicolons than commas, else `,`."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _header_key(cell: str) -> str:
    return _plain(cell).lower().replace(" ", "_").replace("-", "_")


def read_rows(text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for every non-blank data row; file problems → report."""
    lines = text.splitlines(keepends=True)
    if not lines:
        report.errors.append(RowError(None, "", "empty_file", _("Il file è vuoto.")))
        return []
    report.delimiter = detect_delimiter(lines[0])
    reader = csv.reader(lines, delimiter=report.delimiter, strict=True)
    try:
        header = [_header_key(cell) for cell in next(reader)]
    except (csv.Error, StopIteration) as exc:
        report.errors.append(
            RowError(1, "", "csv_invalid", _("Intestazione non leggibile: %s") % exc)
        )
        return []
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        report.errors.append(
            RowError(
                1,
                ", ".join(missing),
                "header_missing",
                _("Colonne mancanti nell'intestazione: %(missing)s.")
                % {"missing": ", ".join(missing)},
            )
        )
        return []
    index = {column: header.index(column) for column in COLUMNS if column in header}
    rows: list[tuple[int, dict[str, str]]] = []
    last = reader.line_num
    try:
        for cells in reader:
            # A quoted value may span lines: report the line where the record starts.
            line, last = last + 1, reader.line_num
            if not cells or all(not cell.strip() for cell in cells):
                continue
            report.rows += 1
            if len(cells) != len(header):
                report.invalid += 1
                report.errors.append(
                    RowError(
                        line,
                        "",
                        "columns",
                        _("Attese %(expected)d colonne, trovate %(found)d.")
                        % {"expected": len(header), "found": len(cells)},
                    )
                )
                continue
            rows.append((line, {c: " ".join(cells[i].split()) for c, i in index.items()}))
    except csv.Error as exc:
        report.errors.append(
            RowError(reader.line_num, "", "csv_invalid", _("CSV non valido: %s") % exc)
        )
    return rows


# -- parsing single values ---------------------------------------------------------------------


def _plain(text: str) -> str:
    """Upper-case, accents dropped, typographic apostrophes made plain (for name matching)."""
    return " ".join(plain_text(text.replace("\u2019", "'").replace("`", "'")).split())


def parse_date(value: str) -> dt.date | None:
    """Italian dd/mm/yyyy (also with - or .) or ISO yyyy-mm-dd; None when it is neither."""
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


class Places:
    """Municipalities and foreign states named in the file, fetched in one query each.

    A value may be an ISTAT code (6 digits; 5 when a spreadsheet dropped the leading zero), a
    cadastral code (F839, Z129) or a name, optionally followed by the province "(NA)".
    """

    def __init__(self, values: Iterable[str]) -> None:
        istat: set[str] = set()
        cadastral: set[str] = set()
        names: set[str] = set()
        for value in values:
            kind, key = self.classify(value)
            {"istat": istat, "cadastral": cadastral, "name": names}[kind].add(key[0])
        self.municipalities: list[Municipality] = []
        self.countries: list[Country] = []
        if istat or cadastral or names:
            self.municipalities = list(
                Municipality.objects.alias(plain=plain_upper("name")).filter(
                    Q(istat_code__in=istat) | Q(cadastral_code__in=cadastral) | Q(plain__in=names)
                )
            )
            self.countries = list(
                Country.objects.alias(plain=plain_upper("name")).filter(
                    Q(cadastral_code__in=cadastral) | Q(plain__in=names)
                )
            )
        self._by_istat: dict[str, list[Municipality]] = {}
        self._by_cadastral: dict[str, list[Municipality | Country]] = {}
        self._by_name: dict[str, list[Municipality | Country]] = {}
        for municipality in self.municipalities:
            self._by_istat.setdefault(municipality.istat_code, []).append(municipality)
            self._by_cadastral.setdefault(municipality.cadastral_code, []).append(municipality)
            self._by_name.setdefault(_plain(municipality.name), []).append(municipality)
        for country in self.countries:
            self._by_cadastral.setdefault(country.cadastral_code, []).append(country)
            self._by_name.setdefault(_plain(country.name), []).append(country)

    @staticmethod
    def classify(value: str) -> tuple[str, tuple[str, str]]:
        value = " ".join(value.split())
        if ISTAT_CODE.match(value):
            return "istat", (value.zfill(6), "")
        if CADASTRAL_CODE.match(value.upper()):
            return "cadastral", (value.upper(), "")
        match = NAME_WITH_PROVINCE.match(value)
        if match:
            return "name", (_plain(match["name"]), match["province"].upper())
        return "name", (_plain(value), "")

    def candidates(self, value: str, countries: bool) -> list[Municipality | Country]:
        """Every period of every place the value may name (before looking at dates)."""
        kind, (key, province) = self.classify(value)
        candidates: list[Municipality | Country]
        if kind == "istat":
            candidates = list(self._by_istat.get(key, []))
        elif kind == "cadastral":
            candidates = list(self._by_cadastral.get(key, []))
        else:
            candidates = list(self._by_name.get(key, []))
            if province and province != "EE":
                candidates = [
                    c
                    for c in candidates
                    if isinstance(c, Municipality) and c.province_code == province
                ]
            elif province == "EE":
                candidates = [c for c in candidates if isinstance(c, Country)]
        if not countries:
            candidates = [c for c in candidates if isinstance(c, Municipality)]
        return candidates

    def resolve(
        self, value: str, *, on: dt.date | None = None, countries: bool = False
    ) -> tuple[Municipality | Country | None, str]:
        """The place and "" or None and an error code (municipality_unknown/_ambiguous)."""
        candidates = self.candidates(value, countries)
        if not candidates:
            return None, "municipality_unknown"
        # The period in force on the date (today when no date): several periods of one
        # municipality are not an ambiguity, two different municipalities are.
        day = on or timezone.localdate()
        in_force = [c for c in candidates if _valid_on(c, day)]
        pool = in_force or ([] if on is None else candidates)
        if not pool:
            return None, "municipality_unknown"
        if len({c.cadastral_code for c in pool}) > 1:
            return None, "municipality_ambiguous"
        return max(pool, key=lambda c: (c.valid_from or dt.date.min, c.pk)), ""


def _valid_on(place: Municipality | Country, day: dt.date) -> bool:
    return (place.valid_from is None or place.valid_from <= day) and (
        place.valid_to is None or place.valid_to >= day
    )


# -- validation --------------------------------------------------------------------------------


def _place_message(code: str, value: str) -> str:
    if code == "municipality_ambiguous":
        return _(
            "«%(value)s» indica più comuni: aggiungere la provincia, ad esempio «Nome (NA)», "
            "o usare il codice ISTAT."
        ) % {"value": value}
    return _("Comune o stato «%(value)s» non trovato.") % {"value": value}


def parse_row(
    line: int, cells: Mapping[str, str], places: Places
) -> tuple[dict[str, Any], list[RowError]]:
    """The row as Person values (only the non-empty cells) and the format errors found."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []

    def error(column: str, code: str, message: str) -> None:
        errors.append(RowError(line, column, code, message))

    code = cf.normalise(cells.get("codice_fiscale", ""))
    values["fiscal_code"] = code
    if not code:
        error("codice_fiscale", "required", _("Indicare il codice fiscale."))
    for column in ("cognome", "nome", "cittadinanza", "indirizzo", "indirizzo_domicilio"):
        if cells.get(column):
            values[COLUMNS[column]] = cells[column]
    if cells.get("email"):
        values["email"] = cells["email"]
    sex = cells.get("sesso", "")
    if sex:
        if _plain(sex) in SEXES:
            values["sex"] = SEXES[_plain(sex)]
        else:
            error("sesso", "sex_invalid", _("Il sesso va indicato con M o F."))
    birth_date: dt.date | None = None
    if cells.get("data_nascita"):
        birth_date = parse_date(cells["data_nascita"])
        if birth_date is None:
            error(
                "data_nascita",
                "date_invalid",
                _("Data non valida: usare gg/mm/aaaa oppure aaaa-mm-gg."),
            )
        else:
            values["birth_date"] = birth_date
    if cells.get("telefono"):
        values["phone"] = cells["telefono"]  # checked and normalised by clean_person_data
    if cells.get("comune_nascita"):
        place, problem = places.resolve(cells["comune_nascita"], on=birth_date, countries=True)
        if problem:
            error("comune_nascita", problem, _place_message(problem, cells["comune_nascita"]))
        elif isinstance(place, Country):
            values["birth_country"] = place
        else:
            values["birth_municipality"] = place
    for column in ("comune_residenza", "comune_domicilio"):
        if cells.get(column):
            place, problem = places.resolve(cells[column])
            if problem:
                error(column, problem, _place_message(problem, cells[column]))
            else:
                values[COLUMNS[column]] = place
    return values, errors


def _action_errors(line: int, exc: ValidationError) -> list[RowError]:
    found: list[RowError] = []
    for name, items in exc.error_dict.items() if hasattr(exc, "error_dict") else []:
        column = FIELD_COLUMNS.get(name, name)
        for item in items:
            code = ACTION_CODES.get((name, item.code or ""), item.code or "invalid")
            if code in {"max_length", "invalid_choice"}:
                code = f"{column}_invalid" if code == "invalid_choice" else "too_long"
            message = item.message % item.params if item.params else item.message
            found.append(RowError(line, column, code, str(message)))
    if not found:
        found = [RowError(line, "", "invalid", "; ".join(exc.messages))]
    return found


def check_row(
    line: int,
    cells: Mapping[str, str],
    places: Places,
    lookups: Lookups,
    existing: Person | None,
    errors: list[RowError],
) -> tuple[Person | None, list[RowError]]:
    """The registration checks of one row, exactly as the actions run them (slow, complete).

    `errors` holds problems already found (e.g. a duplicate code); every further one is added.
    Returns the validated, unsaved person (None when the row is bad) and its warnings.
    """
    values, found = parse_row(line, cells, places)
    errors.extend(found)
    code = values["fiscal_code"]
    if not code:
        return None, []
    # The actions' checks run on whatever could be read, so that every problem of the row
    # shows at once; a column already in error is not reported twice.
    if existing is not None:
        # An empty cell keeps what is stored; the birthplace follows the code.
        merged = {name: getattr(existing, name) for name in EDITABLE_FIELDS}
        if not cf.is_provisional(code) and not (
            values.keys() & {"birth_municipality", "birth_country"}
        ):
            merged["birth_municipality"] = merged["birth_country"] = None
        merged.update(values)
        values = merged
    try:
        person, warnings = build_person(code, values, lookups)
    except ValidationError as exc:
        seen = {problem.field for problem in errors}
        errors.extend(e for e in _action_errors(line, exc) if e.field not in seen)
        return None, []
    if errors:
        return None, []
    return person, [
        RowError(line, WARNING_COLUMNS.get(w.code, ""), w.code, str(w)) for w in warnings
    ]


def import_people(
    path: Path | str,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress = _no_progress,
    row_history: bool | None = None,
) -> ImportReport:
    """Validate the whole file, then write it (unless dry run, or errors without skip_invalid).

    The rows are checked and written by the COPY loader (sil.people.bulk); `row_history`
    chooses per-row history events or one batch record (None: by size, see bulk.py).
    """
    from sil.people import bulk  # bulk builds on the reading and checking above

    path = Path(path)
    report = ImportReport(dry_run=dry_run)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.errors.append(
            RowError(None, "", "file_unreadable", _("File non leggibile: %s") % exc.strerror)
        )
        return report
    try:
        text, report.encoding = decode_bytes(raw)
    except UnreadableText as exc:
        report.errors.append(RowError(None, "", exc.code, exc.message))
        return report
    rows = read_rows(text, report)
    del text
    plan = bulk.validate_people(rows, report, progress) if rows else bulk.Plan()
    del rows
    report.created, report.updated, report.unchanged = plan.counts()
    if dry_run or (report.errors and not skip_invalid):
        if not dry_run:
            report.created = report.updated = report.unchanged = 0
        return report
    if plan.records:
        try:
            bulk.do_load_people(
                plan,
                kind="import_people",
                source=path.name,
                sha256=hashlib.sha256(raw).hexdigest(),
                progress=progress,
                row_history=row_history,
            )
        except bulk.LoadConflict:
            # Someone registered one of these codes after the check: nothing was written.
            report.created = report.updated = report.unchanged = 0
            report.errors.append(
                RowError(
                    None,
                    "codice_fiscale",
                    "conflict",
                    _(
                        "Alcune persone sono state registrate da altri durante l'importazione: "
                        "nulla è stato scritto, ripetere l'importazione."
                    ),
                )
            )
            return report
        report.written = True
    return report
