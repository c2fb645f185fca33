"""Bulk loading of people through PostgreSQL COPY: the engine of `sil people import` and of
the synthetic Region generator (`sil demo-data`).

    plan = validate_people(rows, report)          # rows: [(line, {column: value})]
    do_load_people(plan, kind="import_people", source="file.csv", sha256=...)

Validation gives the same verdicts as the registration actions, fast:

* references (municipalities, foreign states, birthplaces of the codes, competent CPIs, the
  people already registered) are fetched once per distinct value with one query each;
* each row first goes through a *fast acceptor*: plain Python on cached values (dates, places,
  phone numbers of the usual Italian shapes, e-mail addresses of the usual shape). It only
  accepts rows the actions would accept without a warning, and builds exactly the values they
  would store. Anything else (a bad or odd row, a warning, an unusual phone) is checked again by
  the actions themselves (`importer.check_row`), so errors and warnings keep their codes and
  messages.

Writing is one transaction: COPY of the valid rows into a temporary staging table, then one
`INSERT … SELECT … ON CONFLICT (fiscal_code) DO UPDATE` for new and changed people, and one
append-only `core.BulkLoad` record (who, when, file and SHA-256, counts, id range). Per-row
history events (pghistory triggers) are kept for small batches; above `ROW_HISTORY_MAX_ROWS`
they are switched off for that statement only and the BulkLoad record is the audit trail of the
batch (measured cost and reasons in docs/scale.md).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pghistory.trigger
import pgtrigger
import phonenumbers
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core import fiscal_code as cf
from sil.core.audit import audit_context
from sil.core.models import BulkLoad
from sil.core.text import is_plain
from sil.people.actions import Lookups
from sil.people.importer import (
    ImportReport,
    Places,
    Progress,
    RowError,
    _no_progress,
    check_row,
    parse_date,
)
from sil.people.models import Person
from sil.people.phones import InvalidPhone, normalise_phone
from sil.territory.models import Country, Municipality

# Above this many rows a load writes one BulkLoad record instead of per-row history events.
ROW_HISTORY_MAX_ROWS = 50_000
# A load of at least this many rows, and more rows than the table holds, rebuilds the table's
# secondary indexes and re-checks its foreign keys once, instead of row by row (see below).
REBUILD_MIN_ROWS = 100_000
REBUILD_MAINTENANCE_WORK_MEM = "256MB"
COPY_CHUNK = 10_000

# The columns a load writes, in staging-table order (the key first).
COLUMNS = (
    "fiscal_code",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "birth_municipality_id",
    "birth_country_id",
    "citizenship",
    "residence_municipality_id",
    "residence_address",
    "domicile_municipality_id",
    "domicile_address",
    "email",
    "phone",
    "permit_type",
    "permit_number",
    "permit_reason",
    "permit_expiry",
    "competent_office_id",
)
_STAGE_TYPES = {
    "birth_date": "date",
    "permit_expiry": "date",
    "birth_municipality_id": "bigint",
    "birth_country_id": "bigint",
    "residence_municipality_id": "bigint",
    "domicile_municipality_id": "bigint",
    "competent_office_id": "bigint",
}
Record = tuple[Any, ...]
_OMOCODIA = str.maketrans(cf.OMOCODIC_LETTERS, "0123456789")

# The e-mail shapes Django's validator certainly accepts (a subset: the rest goes to Django).
_EMAIL = re.compile(
    r"^[a-z0-9_+\-]+(?:\.[a-z0-9_+\-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_IT_METADATA: Any = phonenumbers.PhoneMetadata.metadata_for_region("IT")


def _phone_desc(desc: Any) -> tuple[re.Pattern[str], frozenset[int]]:
    return re.compile(f"(?:{desc.national_number_pattern})"), frozenset(desc.possible_length)


# Italian mobile and fixed-line numbers, from the phonenumbers metadata itself.
_IT_PHONE_TYPES = (_phone_desc(_IT_METADATA.mobile), _phone_desc(_IT_METADATA.fixed_line))
_PHONE_CHARS = frozenset("0123456789 +")


def fast_phone(text: str) -> str | None:
    """E.164 of an Italian number written as digits and spaces (optionally +39 or 0039);
    None when the number has another shape (phonenumbers decides then)."""
    if not text:
        return ""
    if not _PHONE_CHARS.issuperset(text):
        return None
    digits = text.replace(" ", "")
    if digits.startswith("+39"):
        digits = digits[3:]
    elif digits.startswith("0039"):
        digits = digits[4:]
    if not digits.isdigit():
        return None
    for pattern, lengths in _IT_PHONE_TYPES:
        if len(digits) in lengths and pattern.fullmatch(digits):
            return "+39" + digits
    return None


class LoadConflict(Exception):
    """People appeared (or vanished) between the check and the write: nothing was written."""


@dataclass
class Plan:
    """The validated records to write and what they will do."""

    records: list[Record] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def counts(self) -> tuple[int, int, int]:
        return self.new, self.changed, self.unchanged


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    first_id: int | None = None
    last_id: int | None = None
    batch_id: int | None = None


def _in_force(place: Municipality | Country, day: dt.date) -> bool:
    return (place.valid_from is None or place.valid_from <= day) and (
        place.valid_to is None or place.valid_to >= day
    )


class FastChecker:
    """The fast acceptor (see the module docstring). `accept` returns None for "not sure"."""

    def __init__(self, places: Places, lookups: Lookups, today: dt.date) -> None:
        self.places = places
        self.lookups = lookups
        self.today = today
        self.by_domicile = settings.SIL_COMPETENCE_BY_DOMICILE
        self._dates: dict[str, dt.date | None] = {}
        self._candidates: dict[tuple[str, bool], list[Municipality | Country]] = {}
        self._current: dict[str, Municipality | None] = {}
        self._offices: dict[int, int | None] = {}

    def date(self, text: str) -> dt.date | None:
        try:
            return self._dates[text]
        except KeyError:
            value = self._dates[text] = parse_date(text)
            return value

    @staticmethod
    def decode(code: str) -> tuple[str, int, int, int, str] | None:
        """Sex, two-digit year, month, day and cadastral code of a well-shaped code."""
        digits = _OMOCODIA
        day = int(code[9:11].translate(digits))
        sex = "M"
        if day > cf.FEMALE_DAY_OFFSET:
            sex, day = "F", day - cf.FEMALE_DAY_OFFSET
        month = cf.MONTH_LETTERS.find(code[8]) + 1
        return (
            sex,
            int(code[6:8].translate(digits)),
            month,
            day,
            code[11] + code[12:15].translate(digits),
        )

    def _place_on(self, value: str, day: dt.date, countries: bool) -> Municipality | Country | None:
        key = (value, countries)
        candidates = self._candidates.get(key)
        if candidates is None:
            candidates = self._candidates[key] = self.places.candidates(value, countries)
        found = None
        for candidate in candidates:
            if _in_force(candidate, day):
                if found is not None:
                    return None  # several periods or places: let the full check decide
                found = candidate
        return found

    def current_municipality(self, value: str) -> Municipality | None:
        if value not in self._current:
            place = self._place_on(value, self.today, False)
            self._current[value] = place if isinstance(place, Municipality) else None
        return self._current[value]

    def office(self, municipality_id: int) -> int | None:
        if municipality_id not in self._offices:
            municipality = Municipality(pk=municipality_id)
            office = self.lookups.competent_office(municipality)
            self._offices[municipality_id] = office.pk if office else None
        return self._offices[municipality_id]

    def accept(self, cells: Mapping[str, str], stored: Record | None) -> Record | None:
        code = cells.get("codice_fiscale", "").replace(" ", "").upper()
        if len(code) != 16 or not cf.SHAPE.match(code) or cf.check_character(code[:15]) != code[15]:
            return None
        sex = cells.get("sesso", "")
        if sex:
            sex = sex.upper()
            if sex not in ("M", "F"):
                return None
        elif stored is not None:
            sex = stored[3]
        text = cells.get("data_nascita", "")
        birth_date: dt.date | None
        if text:
            birth_date = self.date(text)
            if birth_date is None:
                return None
        else:
            birth_date = stored[4] if stored is not None else None
        decoded = self.decode(code)
        if decoded is None:
            return None
        code_sex, year, month, day, cadastral_code = decoded
        if sex and sex != code_sex:
            return None  # a warning: the actions word it
        if birth_date is None or (birth_date.year % 100, birth_date.month, birth_date.day) != (
            year,
            month,
            day,
        ):
            return None  # a date to take from the code, or a disagreement: the actions decide
        sex = code_sex
        if birth_date > self.today:
            return None
        place, valid = self.lookups.birthplace(cadastral_code, birth_date)
        if place is None or not valid:
            return None
        declared = cells.get("comune_nascita", "")
        if declared:
            named = self._place_on(declared, birth_date, True)
            if named is None or named.cadastral_code != place.cadastral_code:
                return None
        is_municipality = isinstance(place, Municipality)

        def cell(column: str, index: int) -> str:
            value = cells.get(column, "")
            if value:
                return value
            return stored[index] if stored is not None else ""

        last_name, first_name = cell("cognome", 1), cell("nome", 2)
        if not (0 < len(last_name) <= 100 and 0 < len(first_name) <= 100):
            return None
        citizenship = cell("cittadinanza", 7).upper()
        if citizenship and not (
            len(citizenship) in (2, 3) and citizenship.isascii() and citizenship.isalpha()
        ):
            return None
        residence_id = stored[8] if stored is not None else None
        if cells.get("comune_residenza"):
            residence = self.current_municipality(cells["comune_residenza"])
            if residence is None:
                return None
            residence_id = residence.pk
        if residence_id is None:
            return None
        domicile_id = stored[10] if stored is not None else None
        if cells.get("comune_domicilio"):
            domicile = self.current_municipality(cells["comune_domicilio"])
            if domicile is None:
                return None
            domicile_id = domicile.pk
        address, domicile_address = cell("indirizzo", 9), cell("indirizzo_domicilio", 11)
        if len(address) > 200 or len(domicile_address) > 200:
            return None
        if not is_plain(last_name + first_name + address + domicile_address + cell("telefono", 13)):
            return None  # a control or bidirectional character: the actions word the error
        email = cell("email", 12).lower()
        if email and (len(email) > 254 or not _EMAIL.match(email)):
            return None
        phone_text = cell("telefono", 13)
        phone = fast_phone(phone_text)
        if phone is None:
            try:
                phone = normalise_phone(phone_text)
            except InvalidPhone:
                return None
        competence_id = domicile_id if self.by_domicile and domicile_id else residence_id
        return (
            code,
            last_name,
            first_name,
            sex,
            birth_date,
            place.pk if is_municipality else None,
            None if is_municipality else place.pk,
            citizenship,
            residence_id,
            address,
            domicile_id,
            domicile_address,
            email,
            phone,
            stored[14] if stored is not None else "",
            stored[15] if stored is not None else "",
            stored[16] if stored is not None else "",
            stored[17] if stored is not None else None,
            self.office(competence_id),
        )


def _record_of(person: Person) -> Record:
    return tuple(getattr(person, name) for name in COLUMNS)


def stored_people(codes: Sequence[str]) -> dict[str, tuple[int, Record]]:
    """The people already registered under these codes: {code: (id, record)}."""
    found: dict[str, tuple[int, Record]] = {}
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(codes), 50_000):
            cursor.execute(
                f"SELECT id, {columns} FROM people_person WHERE fiscal_code = ANY(%s)",  # noqa: S608
                [list(codes[start : start + 50_000])],
            )
            for row in cursor.fetchall():
                found[row[1]] = (row[0], tuple(row[1:]))
    return found


def validate_people(
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
    progress: Progress = _no_progress,
) -> Plan:
    """Check every row (see the module docstring); errors and warnings go to `report`."""
    values: set[str] = set()
    codes: list[str] = []
    for _line, cells in rows:
        for column in ("comune_nascita", "comune_residenza", "comune_domicilio"):
            if cells.get(column):
                values.add(cells[column])
        codes.append(cf.normalise(cells.get("codice_fiscale", "")))
    places = Places(values)
    stored = stored_people(sorted(set(codes)))
    lookups = Lookups()
    lookups.preload_cadastral_codes(
        {code[11] + code[12:15].translate(_OMOCODIA) for code in codes if cf.SHAPE.match(code)}
    )
    lookups.preload_competences(m.pk for m in places.municipalities)
    fast = FastChecker(places, lookups, timezone.localdate())
    plan = Plan()
    first_row: dict[str, int] = {}
    for (line, cells), code in progress(zip(rows, codes, strict=True), len(rows), _("Validazione")):
        errors: list[RowError] = []
        if code and code in first_row:
            errors.append(
                RowError(
                    line,
                    "codice_fiscale",
                    "duplicate_in_file",
                    _("Codice fiscale già presente alla riga %(row)d.") % {"row": first_row[code]},
                )
            )
        elif code:
            first_row[code] = line
        existing = stored.get(code)
        record = None if errors else fast.accept(cells, existing[1] if existing else None)
        if record is None:
            person = None
            if code:
                slow_existing = (
                    Person.objects.with_places().get(pk=existing[0]) if existing else None
                )
                person, warnings = check_row(line, cells, places, lookups, slow_existing, errors)
            else:
                check_row(line, cells, places, lookups, None, errors)
            if person is None or errors:
                report.invalid += 1
                report.errors.extend(errors)
                continue
            report.warnings.extend(warnings)
            record = _record_of(person)
        report.valid += 1
        if existing is None:
            plan.new += 1
        elif existing[1] == record:
            plan.unchanged += 1
            continue
        else:
            plan.changed += 1
        plan.records.append(record)
    report.errors.sort(key=lambda e: (e.row or 0, e.field))
    return plan


def history_trigger_names(*models: type[Any]) -> list[str]:
    """The database names of the pghistory triggers on these models (only those: other
    triggers, e.g. the search dictionary's, keep running)."""
    wanted: set[Any] = set(models)
    return [
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if model in wanted and isinstance(trigger, pghistory.trigger.Event)
    ]


def ignore_history(cursor: Any, *models: type[Any]) -> None:
    """Switch off the history triggers of `models` until the end of the transaction."""
    names = history_trigger_names(*models)
    cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(names) + "}"])


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return str(os.getuid())


def record_batch(
    *,
    kind: str,
    source: str,
    sha256: str = "",
    key: str = "",
    rows: int,
    result: LoadResult,
    row_history: bool,
    by: Any = None,
    details: Mapping[str, Any] | None = None,
) -> int:
    """Write the append-only BulkLoad record of a batch (inside the caller's transaction)."""
    batch = BulkLoad.objects.create(
        kind=kind,
        key=key,
        source=source[:300],
        sha256=sha256,
        by=by if getattr(by, "pk", None) else None,
        context={
            "command": " ".join(os.path.basename(arg) for arg in sys.argv[:3]),
            "os_user": _os_user(),
            "pid": os.getpid(),
        },
        rows=rows,
        created=result.created,
        updated=result.updated,
        first_id=result.first_id,
        last_id=result.last_id,
        row_history=row_history,
        details=dict(details or {}),
    )
    return batch.pk


def copy_records(
    cursor: Any, table: str, columns: Sequence[str], records: Iterable[Record]
) -> None:
    """COPY the records into `table` through psycopg 3 (a Django cursor or a psycopg one)."""
    raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for record in records:
            copy.write_row(record)


def _secondary_structures(
    cursor: Any, table: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(index name, definition) of the indexes not backing a constraint, and (name,
    definition) of the table's own foreign keys."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY i.relname
        """,
        [table],
    )
    indexes = list(cursor.fetchall())
    cursor.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname
        """,
        [table],
    )
    return indexes, list(cursor.fetchall())


def should_rebuild(cursor: Any, rows: int) -> bool:
    """Whether a load of `rows` is big enough, for the table, to rebuild rather than maintain."""
    if rows < REBUILD_MIN_ROWS:
        return False
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'people_person'::regclass")
    estimate = float(cursor.fetchone()[0])
    return rows >= max(estimate, 0.0)


def write_people(
    cursor: Any,
    records: Sequence[Record],
    *,
    expected_new: int | None = None,
    progress: Progress = _no_progress,
    rebuild: bool | None = None,
) -> LoadResult:
    """Stage and upsert `records` on an open cursor, inside the caller's transaction.

    With `rebuild` (default: `should_rebuild`), the table's secondary indexes and foreign keys
    are dropped before the insert and created again after it, in the same transaction: one
    sorted index build and one join per foreign key instead of row-by-row maintenance and
    checks (5 times faster for an initial load). The table is locked exclusively meanwhile,
    which is why only loads larger than the table do it.
    """
    definitions = ", ".join(f"{name} {_STAGE_TYPES.get(name, 'text')}" for name in COLUMNS)
    # Dropped at commit; an enclosing transaction (a test, a caller's batch) may still hold it.
    cursor.execute("DROP TABLE IF EXISTS pg_temp.people_stage")
    cursor.execute(
        f"CREATE TEMP TABLE people_stage (position serial, {definitions}) ON COMMIT DROP"
    )
    raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
    chunks = [records[i : i + COPY_CHUNK] for i in range(0, len(records), COPY_CHUNK)]
    with raw.copy(f"COPY people_stage ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for chunk in progress(chunks, len(chunks), _("Caricamento (COPY)")):
            for record in chunk:
                copy.write_row(record)
    if rebuild is None:
        rebuild = should_rebuild(cursor, len(records))
    indexes: list[tuple[str, str]] = []
    foreign_keys: list[tuple[str, str]] = []
    if rebuild:
        # Checks still deferred in this transaction would forbid altering the tables.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes, foreign_keys = _secondary_structures(cursor, "people_person")
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE people_person DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    names = ", ".join(COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in COLUMNS[1:])
    cursor.execute(
        f"""
        WITH written AS (
            INSERT INTO people_person ({names}, created_at, updated_at)
            SELECT {names}, now(), now() FROM people_stage ORDER BY position
            ON CONFLICT (fiscal_code) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at
            RETURNING id, (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               min(id) FILTER (WHERE inserted), max(id) FILTER (WHERE inserted)
        FROM written
        """  # noqa: S608 - identifiers are ours
    )
    created, updated, first_id, last_id = cursor.fetchone()
    if expected_new is not None and created != expected_new:
        raise LoadConflict
    if rebuild:
        cursor.execute("SET LOCAL maintenance_work_mem = %s", [REBUILD_MAINTENANCE_WORK_MEM])
        steps = [definition for _name, definition in indexes] + [
            f'ALTER TABLE people_person ADD CONSTRAINT "{name}" {definition}'
            for name, definition in foreign_keys
        ]
        for statement in progress(steps, len(steps), _("Indici e vincoli")):
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return LoadResult(created=created, updated=updated, first_id=first_id, last_id=last_id)


def do_load_people(
    plan: Plan,
    *,
    kind: str,
    source: str,
    sha256: str = "",
    key: str = "",
    by: Any = None,
    progress: Progress = _no_progress,
    row_history: bool | None = None,
) -> LoadResult:
    """Write a validated plan in one transaction, with its BulkLoad record."""
    if row_history is None:
        row_history = len(plan.records) <= ROW_HISTORY_MAX_ROWS
    with transaction.atomic(), audit_context(action=kind, file=source):
        with connection.cursor() as cursor:
            if not row_history:
                ignore_history(cursor, Person)
            result = write_people(cursor, plan.records, expected_new=plan.new, progress=progress)
        result.batch_id = record_batch(
            kind=kind,
            source=source,
            sha256=sha256,
            key=key,
            rows=len(plan.records),
            result=result,
            row_history=row_history,
            by=by,
        )
    return result
