"""Import of a beneficiary list into a campaign (`sil campaigns import FILE --campaign SLUG`).

The national platform sends CSV (UTF-8 or Windows-1252, `,` or `;`) or XLSX files with one row
per recipient. The whole file is read and checked first; every bad row is reported (row, field,
stable code, Italian message) and nothing is written when any row is bad. The people checks are
those of the registry's own bulk loader (sil.people.bulk: the same verdicts as the registration
actions, fast). Then, in ONE transaction:

* people are upserted by codice fiscale through the COPY loader (never duplicated; omocodic
  variants are distinct codes, as the registry keeps them);
* households (id_nucleo) are upserted per programme;
* a Convocation is bulk-inserted for each recipient, assigned to the competent CPI of the
  residence (or domicile, by regional rule) as the registry computes it;
* recipients who must not be convened get an Exclusion with its reason: outside the Region, no
  competent CPI, already in this campaign, convened by another open campaign, holding a signed
  Patto di servizio, no contact at all.

An interrupted import (error, killed process) leaves nothing behind: the transaction rolls back.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.campaigns.models import (
    OPEN_CONVOCATION_STATES,
    Campaign,
    CampaignState,
    ConvocationState,
    ExclusionReason,
    ImportBatch,
    ImportStatus,
)
from sil.core import fiscal_code as cf
from sil.core.audit import audit_context
from sil.core.text import validate_one_line
from sil.people import bulk
from sil.people.importer import ImportReport as PeopleReport
from sil.people.importer import RowError, UnreadableText, decode_bytes, detect_delimiter
from sil.people.models import plain_text
from sil.territory.models import Competence, Municipality, Office, OfficeKind

# The columns the national platform sends; all must be in the header.
REQUIRED_COLUMNS = (
    "codice_fiscale",
    "cognome",
    "nome",
    "id_nucleo",
    "telefono",
    "email",
    "comune_residenza",
    "indirizzo",
    "misura",
)
# Optional: derived from the codice fiscale when absent.
OPTIONAL_COLUMNS = (
    "data_nascita",
    "sesso",
    "comune_nascita",
    "cittadinanza",
    "comune_domicilio",
    "indirizzo_domicilio",
)
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
HOUSEHOLD_MAX = 60
# Rows kept in the stored report of a batch (the CLI and API return every one).
STORED_ERRORS = 2_000
# Exclusion reasons in the order they are tried (the first that applies is recorded).
EXCLUSION_ORDER = (
    ExclusionReason.OUTSIDE_REGION,
    ExclusionReason.NO_OFFICE,
    ExclusionReason.DUPLICATE,
    ExclusionReason.ALREADY_CONVENED,
    ExclusionReason.PACT_SIGNED,
    ExclusionReason.NO_CONTACT,
)

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


def _no_progress(items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
    return items


@dataclass
class CampaignImportReport:
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    excluded: int = 0
    convened: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households: int = 0
    written: bool = False
    dry_run: bool = False
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""
    seconds: float = 0.0
    batch: int | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    excluded_by_reason: dict[str, int] = field(default_factory=dict)
    assigned_by_office: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def stored(self) -> dict[str, Any]:
        """The report as kept on the ImportBatch (errors capped)."""
        data = self.as_dict()
        data["errors_total"] = len(self.errors)
        data["errors"] = data["errors"][:STORED_ERRORS]
        data["warnings_total"] = len(self.warnings)
        data["warnings"] = data["warnings"][:STORED_ERRORS]
        return data

    def error(self, row: int | None, column: str, code: str, message: str) -> None:
        self.errors.append(RowError(row, column, code, message))


# -- reading -----------------------------------------------------------------------------------


def header_key(cell: Any) -> str:
    text = "" if cell is None else str(cell)
    return " ".join(plain_text(text).split()).lower().replace(" ", "_").replace("-", "_")


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_xlsx(raw: bytes, name: str = "") -> bool:
    return name.lower().endswith(".xlsx") or raw[:4] == b"PK\x03\x04"


def _xlsx_records(raw: bytes, report: CampaignImportReport) -> Iterable[list[str]] | None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        report.error(None, "", "xlsx_invalid", _("File Excel non leggibile: %s") % exc)
        return None
    sheet = workbook.worksheets[0]
    return ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))


def read_table(
    raw: bytes, name: str, report: CampaignImportReport
) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: value}) of every non-blank data row; file problems → report."""
    records: Iterable[list[str]] | None
    if is_xlsx(raw, name):
        report.file_format = "xlsx"
        records = _xlsx_records(raw, report)
        if records is None:
            return []
    else:
        report.file_format = "csv"
        try:
            text, report.encoding = decode_bytes(raw)
        except UnreadableText as exc:
            report.error(None, "", exc.code, exc.message)
            return []
        lines = text.splitlines(keepends=True)
        if not text.strip():
            report.error(None, "", "empty_file", _("Il file è vuoto."))
            return []
        report.delimiter = detect_delimiter(lines[0])
        records = csv.reader(lines, delimiter=report.delimiter, strict=True)
    iterator = iter(records)
    try:
        header = [header_key(cell) for cell in next(iterator)]
    except StopIteration:
        report.error(None, "", "empty_file", _("Il file è vuoto."))
        return []
    except csv.Error as exc:
        report.error(1, "", "csv_invalid", _("Intestazione non leggibile: %s") % exc)
        return []
    while header and not header[-1]:
        header.pop()  # spreadsheets often carry empty trailing columns
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        report.error(
            1,
            ", ".join(missing),
            "header_missing",
            _("Colonne mancanti nell'intestazione: %(missing)s.") % {"missing": ", ".join(missing)},
        )
        return []
    index = {column: header.index(column) for column in KNOWN_COLUMNS if column in header}
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        for cells in iterator:
            line += 1
            if not cells or all(not str(cell).strip() for cell in cells):
                continue
            report.rows += 1
            while len(cells) > len(header) and not str(cells[-1]).strip():
                cells = cells[:-1]
            if len(cells) > len(header) or (
                report.file_format == "csv" and len(cells) != len(header)
            ):
                report.error(
                    line,
                    "",
                    "columns",
                    _("Attese %(expected)d colonne, trovate %(found)d.")
                    % {"expected": len(header), "found": len(cells)},
                )
                continue
            rows.append(
                (
                    line,
                    {
                        c: " ".join(str(cells[i]).split()) if i < len(cells) else ""
                        for c, i in index.items()
                    },
                )
            )
    except csv.Error as exc:
        report.error(line, "", "csv_invalid", _("CSV non valido: %s") % exc)
    return rows


# -- campaign checks ---------------------------------------------------------------------------


def _programme_key(text: str) -> str:
    return "".join(ch for ch in plain_text(text).upper() if ch.isalnum())


def check_campaign_cells(
    rows: list[tuple[int, dict[str, str]]], campaign: Campaign, report: CampaignImportReport
) -> None:
    """The checks of the columns the registry does not know; fills sex and birth date from the
    codice fiscale when the file leaves them out (so the fast people checks apply)."""
    programme = campaign.programme
    accepted = {_programme_key(programme.code), _programme_key(programme.name)}
    today = timezone.localdate()
    for line, cells in rows:
        measure = cells.get("misura", "")
        if not measure:
            report.error(line, "misura", "required", _("Indicare la misura."))
        elif _programme_key(measure) not in accepted:
            report.error(
                line,
                "misura",
                "programme_mismatch",
                _("La misura «%(found)s» non è quella della campagna (%(expected)s).")
                % {"found": measure, "expected": programme.code},
            )
        household = cells.get("id_nucleo", "")
        try:
            validate_one_line(household)
        except ValidationError as exc:
            report.error(line, "id_nucleo", str(exc.code), str(exc.messages[0]))
        if len(household) > HOUSEHOLD_MAX:
            report.error(
                line,
                "id_nucleo",
                "too_long",
                _("L'identificativo del nucleo supera %(max)d caratteri.") % {"max": HOUSEHOLD_MAX},
            )
        elif not household and programme.sanctions_household:
            report.error(
                line,
                "id_nucleo",
                "household_required",
                _("Indicare l'identificativo del nucleo familiare: la misura lo richiede."),
            )
        if not cells.get("comune_residenza"):
            report.error(
                line,
                "comune_residenza",
                "required",
                _("Indicare il comune di residenza: serve ad assegnare il CPI competente."),
            )
        code = cf.normalise(cells.get("codice_fiscale", ""))
        if len(code) == 16 and cf.is_valid(code):
            try:
                decoded = cf.decode(code, today=today)
            except cf.UndecodableFiscalCode:
                continue
            if not cells.get("sesso"):
                cells["sesso"] = decoded.sex
            if not cells.get("data_nascita"):
                cells["data_nascita"] = decoded.birth_date.strftime("%d/%m/%Y")


# -- exclusions --------------------------------------------------------------------------------


@dataclass
class Recipient:
    row: int
    code: str
    household: str
    phone: str
    email: str
    office_id: int | None
    residence_id: int | None
    person_id: int | None
    exclusion: str = ""
    detail: str = ""


def _region_of_offices() -> set[int]:
    return set(
        Competence.objects.filter(office_kind=OfficeKind.CPI)
        .exclude(municipality__province__region__isnull=True)
        .values_list("municipality__province__region_id", flat=True)
        .distinct()
    )


def decide_exclusions(campaign: Campaign, recipients: list[Recipient]) -> None:
    """Set `exclusion` on every recipient who must not be convened (EXCLUSION_ORDER)."""
    without_office = {r.residence_id for r in recipients if r.office_id is None and r.residence_id}
    outside: set[int] = set()
    if without_office:
        regions = _region_of_offices()
        outside = {
            pk
            for pk, region in Municipality.objects.filter(pk__in=without_office).values_list(
                "pk", "province__region_id"
            )
            if region not in regions
        }
    known = [r.person_id for r in recipients if r.person_id is not None]
    here: set[int] = set()
    elsewhere: dict[int, str] = {}
    signed: set[int] = set()
    # Plain SQL with one array parameter: an IN list of 127,000 ids built by the ORM costs
    # seconds of Python before the query even starts.
    open_states = [str(s) for s in OPEN_CONVOCATION_STATES]
    with connection.cursor() as cursor:
        for start in range(0, len(known), 50_000):
            chunk = known[start : start + 50_000]
            cursor.execute(
                "SELECT person_id FROM campaigns_convocation"
                " WHERE campaign_id = %s AND person_id = ANY(%s::bigint[])",
                [campaign.pk, chunk],
            )
            here.update(row[0] for row in cursor.fetchall())
            cursor.execute(
                """
                SELECT c.person_id, k.name
                  FROM campaigns_convocation c
                  JOIN campaigns_campaign k ON k.id = c.campaign_id
                 WHERE c.person_id = ANY(%s::bigint[]) AND c.state = ANY(%s::text[])
                   AND c.campaign_id <> %s AND k.state <> %s
                """,
                [chunk, open_states, campaign.pk, str(CampaignState.CLOSED)],
            )
            elsewhere.update(cursor.fetchall())
            cursor.execute(
                "SELECT person_id FROM services_servicepact"
                " WHERE person_id = ANY(%s::bigint[]) AND state = 'signed'",
                [chunk],
            )
            signed.update(row[0] for row in cursor.fetchall())
    for r in recipients:
        if r.office_id is None:
            r.exclusion = (
                ExclusionReason.OUTSIDE_REGION
                if r.residence_id in outside
                else ExclusionReason.NO_OFFICE
            )
        elif r.person_id in here:
            r.exclusion = ExclusionReason.DUPLICATE
        elif r.person_id in elsewhere:
            r.exclusion = ExclusionReason.ALREADY_CONVENED
            r.detail = elsewhere[r.person_id][:200]
        elif r.person_id in signed:
            r.exclusion = ExclusionReason.PACT_SIGNED
        elif not r.phone and not r.email:
            r.exclusion = ExclusionReason.NO_CONTACT


# -- the whole import --------------------------------------------------------------------------

PHONE, EMAIL, OFFICE, RESIDENCE = 13, 12, 18, 8  # positions in bulk.COLUMNS


def _recipients(rows: list[tuple[int, dict[str, str]]], plan: bulk.Plan) -> list[Recipient]:
    """Every valid row with its registry record after the load (planned or as stored)."""
    records = {record[0]: record for record in plan.records}
    codes = [cf.normalise(cells.get("codice_fiscale", "")) for _line, cells in rows]
    stored = bulk.stored_people(sorted(set(codes)))
    recipients = []
    for (line, cells), code in zip(rows, codes, strict=True):
        record = records.get(code) or stored[code][1]
        recipients.append(
            Recipient(
                row=line,
                code=code,
                household=cells.get("id_nucleo", ""),
                phone=record[PHONE] or "",
                email=record[EMAIL] or "",
                office_id=record[OFFICE],
                residence_id=record[RESIDENCE],
                person_id=stored[code][0] if code in stored else None,
            )
        )
    return recipients


def _count(report: CampaignImportReport, recipients: list[Recipient]) -> None:
    codes = dict(
        Office.objects.filter(pk__in={r.office_id for r in recipients if r.office_id}).values_list(
            "pk", "code"
        )
    )
    by_office = Counter(codes[r.office_id] for r in recipients if not r.exclusion and r.office_id)
    report.assigned_by_office = dict(sorted(by_office.items()))
    report.excluded_by_reason = dict(Counter(str(r.exclusion) for r in recipients if r.exclusion))
    report.excluded = sum(report.excluded_by_reason.values())
    report.convened = sum(by_office.values())
    report.households = len({r.household for r in recipients if r.household and not r.exclusion})


def import_file(
    path: Path | str,
    campaign: Campaign,
    *,
    dry_run: bool = False,
    by: Any = None,
    progress: Progress = _no_progress,
    batch: ImportBatch | None = None,
    file_name: str = "",
) -> CampaignImportReport:
    """Check the whole file, then (unless dry run or any error) write it in one transaction.

    `batch`: an ImportBatch created beforehand (queued uploads); otherwise one is created.
    Returns the report; `report.batch` is the ImportBatch id.
    """
    started = time.monotonic()
    path = Path(path)
    name = file_name or path.name
    report = CampaignImportReport(dry_run=dry_run)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.error(None, "", "file_unreadable", _("File non leggibile: %s") % exc.strerror)
        return report
    sha256 = hashlib.sha256(raw).hexdigest()
    if campaign.state != CampaignState.DRAFT and not dry_run:
        report.error(
            None,
            "",
            "campaign_not_draft",
            _("La lista si può importare solo in una campagna in bozza."),
        )
        return _finish(report, campaign, batch, name, sha256, by, started)
    rows = read_table(raw, name, report)
    del raw
    check_campaign_cells(rows, campaign, report)
    people = PeopleReport()
    plan = bulk.validate_people(rows, people, progress) if rows else bulk.Plan()
    # A value missing from the file is reported once, with the campaign's own explanation.
    missing = {(e.row, e.field) for e in report.errors if e.code == "required"}
    report.errors.extend(
        e for e in people.errors if not (e.code == "required" and (e.row, e.field) in missing)
    )
    report.warnings.extend(people.warnings)
    report.errors.sort(key=lambda e: (e.row or 0, e.field))
    bad_rows = {e.row for e in report.errors if e.row is not None and e.row > 1}
    report.invalid = len(bad_rows)
    report.valid = report.rows - report.invalid
    if report.errors:
        return _finish(report, campaign, batch, name, sha256, by, started)
    recipients = _recipients(rows, plan)
    del rows
    decide_exclusions(campaign, recipients)
    _count(report, recipients)
    report.created, report.updated, report.unchanged = plan.counts()
    if dry_run:
        return _finish(report, campaign, batch, name, sha256, by, started)
    # People living outside the Region are not ours to register.
    outside = {r.code for r in recipients if r.exclusion == ExclusionReason.OUTSIDE_REGION}
    if outside:
        kept = [record for record in plan.records if record[0] not in outside]
        new_outside = sum(1 for r in recipients if r.code in outside and r.person_id is None)
        plan = bulk.Plan(records=kept, new=plan.new - new_outside, changed=0, unchanged=0)
    try:
        _write(campaign, recipients, plan, report, batch, name, sha256, by, progress)
    except bulk.LoadConflict:
        report.written = False
        report.error(
            None,
            "codice_fiscale",
            "conflict",
            _(
                "Alcune persone sono state registrate da altri durante l'importazione: "
                "nulla è stato scritto, ripetere l'importazione."
            ),
        )
        return _finish(report, campaign, batch, name, sha256, by, started)
    report.seconds = round(time.monotonic() - started, 2)
    if report.batch is not None:
        ImportBatch.objects.filter(pk=report.batch).update(report=report.stored())
    return report


def _finish(
    report: CampaignImportReport,
    campaign: Campaign,
    batch: ImportBatch | None,
    name: str,
    sha256: str,
    by: Any,
    started: float,
) -> CampaignImportReport:
    """Record a dry run or a refused import (nothing else is written)."""
    report.seconds = round(time.monotonic() - started, 2)
    values = {
        "file_name": name[:255],
        "sha256": sha256,
        "dry_run": report.dry_run,
        "written": False,
        "rows": report.rows,
        "valid": report.valid,
        "invalid": report.invalid,
        "excluded": report.excluded,
        "status": ImportStatus.DONE if not report.errors else ImportStatus.FAILED,
        "stage": "",
        "processed": report.rows,
        "total": report.rows,
        "finished_at": timezone.now(),
    }
    if batch is None:
        batch = ImportBatch.objects.create(
            campaign=campaign, by=by if getattr(by, "pk", None) else None, **values
        )
    else:
        ImportBatch.objects.filter(pk=batch.pk).update(**values)
    report.batch = batch.pk
    ImportBatch.objects.filter(pk=batch.pk).update(report=report.stored())
    return report


def _write(
    campaign: Campaign,
    recipients: list[Recipient],
    plan: bulk.Plan,
    report: CampaignImportReport,
    batch: ImportBatch | None,
    name: str,
    sha256: str,
    by: Any,
    progress: Progress,
) -> None:
    by_id = by.pk if getattr(by, "pk", None) else None
    with (
        transaction.atomic(),
        audit_context(action="campaign_import", campaign=campaign.pk, file=name),
    ):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.state != CampaignState.DRAFT:
            raise ValueError("campaign is no longer a draft")
        values = {
            "file_name": name[:255],
            "sha256": sha256,
            "dry_run": False,
            "written": True,
            "rows": report.rows,
            "valid": report.valid,
            "invalid": report.invalid,
            "excluded": report.excluded,
            "status": ImportStatus.DONE,
            "stage": "",
            "processed": report.rows,
            "total": report.rows,
            "finished_at": timezone.now(),
        }
        if batch is None:
            batch = ImportBatch.objects.create(campaign=locked, by_id=by_id, **values)
        else:
            ImportBatch.objects.filter(pk=batch.pk).update(**values)
        report.batch = batch.pk
        if plan.records:
            bulk.do_load_people(
                plan,
                kind="campaign_import",
                source=name,
                sha256=sha256,
                key=f"campaign:{campaign.pk}",
                by=by,
                progress=progress,
            )
        report.created, report.updated = plan.new, len(plan.records) - plan.new
        report.unchanged = (
            report.valid
            - report.excluded_by_reason.get(ExclusionReason.OUTSIDE_REGION, 0)
            - len(plan.records)
        )
        with connection.cursor() as cursor:
            codes = [r.code for r in recipients if r.exclusion != ExclusionReason.OUTSIDE_REGION]
            ids: dict[str, int] = {}
            for start in range(0, len(codes), 50_000):
                cursor.execute(
                    "SELECT fiscal_code, id FROM people_person WHERE fiscal_code = ANY(%s)",
                    [codes[start : start + 50_000]],
                )
                ids.update(cursor.fetchall())
            for r in recipients:
                if r.person_id is None:
                    r.person_id = ids.get(r.code)
            households = _upsert_households(cursor, campaign, recipients)
            now = timezone.now()
            convened = [r for r in recipients if not r.exclusion]
            bulk.copy_records(
                cursor,
                "campaigns_convocation",
                (
                    "campaign_id",
                    "person_id",
                    "household_id",
                    "office_id",
                    "state",
                    "phone",
                    "email",
                    "attempt",
                    "batch_id",
                    "row",
                    "outcome",
                    "outcome_note",
                    "created_at",
                    "updated_at",
                ),
                progress(
                    (
                        (
                            campaign.pk,
                            r.person_id,
                            households.get(r.household),
                            r.office_id,
                            ConvocationState.ASSIGNED.value,
                            r.phone[:40],
                            r.email[:254],
                            1,
                            batch.pk,
                            r.row,
                            "",
                            "",
                            now,
                            now,
                        )
                        for r in convened
                    ),
                    len(convened),
                    _("Convocazioni"),
                ),
            )
            # The next steps (events below, scheduling) plan on these rows: fresh statistics.
            cursor.execute("ANALYZE campaigns_convocation")
            cursor.execute(
                """
                INSERT INTO campaigns_convocationevent (convocation_id, kind, at, by_id, data)
                SELECT id, 'assigned', %s, %s, jsonb_build_object('batch', batch_id)
                FROM campaigns_convocation WHERE batch_id = %s
                """,
                [now, by_id, batch.pk],
            )
            bulk.copy_records(
                cursor,
                "campaigns_exclusion",
                ("campaign_id", "batch_id", "fiscal_code", "person_id", "row", "reason", "detail"),
                (
                    (
                        campaign.pk,
                        batch.pk,
                        r.code,
                        r.person_id,
                        r.row,
                        str(r.exclusion),
                        r.detail,
                    )
                    for r in recipients
                    if r.exclusion
                ),
            )
        if locked.list_date is None:
            Campaign.objects.filter(pk=locked.pk).update(list_date=timezone.localdate())
        report.written = True


def _upsert_households(
    cursor: Any, campaign: Campaign, recipients: list[Recipient]
) -> dict[str, int]:
    codes = sorted({r.household for r in recipients if r.household and not r.exclusion})
    if not codes:
        return {}
    programme = campaign.programme_id
    cursor.execute(
        """
        INSERT INTO campaigns_household (programme_id, code, created_at)
        SELECT %s, code, now() FROM unnest(%s::text[]) AS code
        ON CONFLICT (programme_id, code) DO NOTHING
        """,
        [programme, codes],
    )
    cursor.execute(
        "SELECT code, id FROM campaigns_household WHERE programme_id = %s AND code = ANY(%s)",
        [programme, codes],
    )
    return dict(cursor.fetchall())


# -- uploads run by the worker -----------------------------------------------------------------

IMPORT_TASK = "sil.campaigns.import_list"


def batch_progress(batch_id: int, every: float = 0.02) -> Progress:
    """A progress callback that keeps the ImportBatch's stage and counters current.

    Updates are written only outside a transaction (while the file is read and checked), so
    the upload page sees them at once; the write itself is one transaction and shows as a
    single stage.
    """

    def progress(items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
        if connection.in_atomic_block:
            return items
        ImportBatch.objects.filter(pk=batch_id).update(stage=label[:60], processed=0, total=total)
        step = max(1, int(total * every))

        def counted() -> Iterable[Any]:
            for n, item in enumerate(items, 1):
                if n % step == 0:
                    ImportBatch.objects.filter(pk=batch_id).update(processed=n)
                yield item

        return counted()

    return progress


def enqueue_import(
    campaign: Campaign, path: Path, file_name: str, *, dry_run: bool, by: Any
) -> ImportBatch:
    """A queued ImportBatch for a file already saved, and the worker job that imports it."""
    from sil.campaigns.tasks_import import import_list

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            campaign=campaign,
            file_name=file_name[:255],
            sha256="",
            dry_run=dry_run,
            by=by if getattr(by, "pk", None) else None,
            status=ImportStatus.QUEUED,
            stage=_("In coda"),
            source_path=str(path),
        )
        import_list.defer(batch_id=batch.pk)
    return batch


def run_queued_import(batch_id: int) -> dict[str, Any]:
    """Import the file of a queued batch (the worker's side of an upload)."""
    batch = ImportBatch.objects.select_related("campaign__programme", "by").get(pk=batch_id)
    if batch.status != ImportStatus.QUEUED:
        return {"batch": batch_id, "skipped": True}
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportStatus.RUNNING, stage=_("Lettura del file")
    )
    path = Path(batch.source_path)
    try:
        report = import_file(
            path,
            batch.campaign,
            dry_run=batch.dry_run,
            by=batch.by,
            progress=batch_progress(batch_id),
            batch=batch,
            file_name=batch.file_name,
        )
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED, stage=_("Errore imprevisto: nulla è stato scritto")
        )
        raise
    finally:
        path.unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch_id).update(source_path="")
    return {"batch": batch_id, "written": report.written, "errors": len(report.errors)}
