"""Downloads of a campaign: the dashboard by CPI and the convocation list, as CSV or XLSX.

Both are streamed: CSV row by row from a server-side cursor, XLSX through openpyxl's
write-only workbook (rows never all in memory; the finished file is spooled to disk and sent
in chunks). The convocation list holds personal data: every person in it gets a row in the
access log, written by one INSERT … SELECT before the first byte leaves (see log_export).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.appointments.models import Appointment
from sil.campaigns.dashboard import Dashboard
from sil.campaigns.models import Campaign, Convocation, ConvocationState, Outcome
from sil.core.audit import log_access
from sil.core.exports import CSV_DELIMITER, csv_lines, write_xlsx
from sil.core.models import AccessAction, AccessLog
from sil.notifications.models import MessageStatus, OutboxMessage
from sil.people.models import Person
from sil.territory.models import Office

CHUNK = 2_000
XLSX_MEMORY = 8 * 1024 * 1024  # above this the finished workbook is spooled to disk
# openpyxl writes about 2,500 rows a second here: a bigger list is offered as CSV (seconds)
# or per CPI, rather than keeping a web worker busy for minutes.
XLSX_MAX_ROWS = 50_000

# A person's delivery status is the best one among the campaign's messages to them.
DELIVERY_ORDER = (
    MessageStatus.READ,
    MessageStatus.DELIVERED,
    MessageStatus.SENT,
    MessageStatus.SENDING,
    MessageStatus.PENDING,
    MessageStatus.FAILED,
    MessageStatus.EXPIRED,
    MessageStatus.CANCELLED,
)
CONVOCATION_FIELDS = [
    "fiscal_code",
    "last_name",
    "first_name",
    "office",
    "state",
    "appointment",
    "delivery",
    "outcome",
]


def office_header() -> list[str]:
    return [
        _("Codice CPI"),
        _("CPI"),
        _("Convocati"),
        _("Invitati"),
        _("Messaggio consegnato"),
        _("Confermati"),
        _("Con appuntamento"),
        _("Ricevuti"),
        _("Patto firmato"),
        _("Assenti giustificati"),
        _("Assenti non giustificati"),
        _("Altri esiti"),
        _("Da esitare"),
        _("Ultimo appuntamento fissato"),
        _("Esitati per giorno lavorativo (recenti)"),
        _("Data prevista di completamento"),
        _("Termine"),
    ]


def office_rows(dashboard: Dashboard) -> Iterator[list[Any]]:
    rows = [(row.office, row.figures, row.projection) for row in dashboard.rows]
    rows.append((None, dashboard.totals, dashboard.projection))
    for index, (office, figures, projection) in enumerate(rows):
        is_total = index == len(rows) - 1
        if is_total:
            code, name = "", _("Totale")
        elif office is None:
            code, name = "", _("Senza CPI")
        else:
            code, name = office.code, office.name
        last = figures.last_appointment
        yield [
            code,
            name,
            figures.total,
            figures.invited,
            figures.delivered,
            figures.confirmed,
            figures.scheduled,
            figures.seen,
            figures.signed,
            figures.absent_justified,
            figures.absent_unjustified,
            figures.other_outcomes,
            figures.remaining,
            timezone.localtime(last).strftime("%d/%m/%Y %H:%M") if last else "",
            round(projection.rate, 2),
            projection.projected_on.strftime("%d/%m/%Y") if projection.projected_on else "",
            projection.deadline.strftime("%d/%m/%Y"),
        ]


def convocation_header() -> list[str]:
    return [
        _("Codice fiscale"),
        _("Cognome"),
        _("Nome"),
        _("Codice CPI"),
        _("CPI"),
        _("Stato"),
        _("Appuntamento"),
        _("Consegna del messaggio"),
        _("Esito"),
        _("Data dell'esito"),
    ]


def _delivery_rank_sql() -> str:
    cases = " ".join(f"WHEN '{status}' THEN {index}" for index, status in enumerate(DELIVERY_ORDER))
    return f"CASE status {cases} ELSE {len(DELIVERY_ORDER)} END"


def convocation_rows(campaign: Campaign, office_ids: Iterable[int] | None) -> Iterator[list[Any]]:
    """One row per convocation in the scope (None: every office), read in chunks from a
    server-side cursor; dates are formatted by the database (Rome time)."""
    states = {key: str(label) for key, label in ConvocationState.choices}
    outcomes = {key: str(label) for key, label in Outcome.choices}
    deliveries = {key: str(label) for key, label in MessageStatus.choices}
    where, params = "", []
    if office_ids is not None:
        where, params = " AND c.office_id = ANY(%s)", [sorted(office_ids)]
    tz = str(timezone.get_current_timezone())
    sql = f"""
        SELECT p.fiscal_code, p.last_name, p.first_name,
               coalesce(o.code, ''), coalesce(o.name, ''), c.state,
               coalesce(to_char(a.starts_at AT TIME ZONE %s, 'DD/MM/YYYY HH24:MI'), ''),
               d.status, c.outcome,
               coalesce(to_char(c.outcome_at AT TIME ZONE %s, 'DD/MM/YYYY'), '')
          FROM {Convocation._meta.db_table} c
          JOIN {Person._meta.db_table} p ON p.id = c.person_id
          LEFT JOIN {Office._meta.db_table} o ON o.id = c.office_id
          LEFT JOIN {Appointment._meta.db_table} a ON a.id = c.appointment_id
          LEFT JOIN (
                SELECT DISTINCT ON (person_id) person_id, status
                  FROM {OutboxMessage._meta.db_table}
                 WHERE topic = %s
                 ORDER BY person_id, {_delivery_rank_sql()}
               ) d ON d.person_id = c.person_id
         WHERE c.campaign_id = %s{where}
         ORDER BY o.name NULLS LAST, p.last_name, p.first_name, c.id
    """  # noqa: S608 - table names and statuses are ours
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [tz, tz, campaign.topic, campaign.pk, *params])
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                return
            for code, last, first, o_code, o_name, state, at, delivery, outcome, day in rows:
                yield [
                    code,
                    last,
                    first,
                    o_code,
                    o_name,
                    states.get(state, state),
                    at,
                    deliveries.get(delivery, delivery) if delivery else "",
                    outcomes.get(outcome, outcome) if outcome else "",
                    day,
                ]


def convocation_count(campaign: Campaign, office_ids: Iterable[int] | None) -> int:
    queryset = Convocation.objects.filter(campaign=campaign)
    if office_ids is not None:
        queryset = queryset.filter(office_id__in=sorted(office_ids))
    return queryset.count()


def log_export(request: HttpRequest, campaign: Campaign, office_ids: Iterable[int] | None) -> int:
    """Access log of a convocation list export: one row on the campaign (the act of
    exporting), then one per person exported, copied from it by a single INSERT … SELECT.
    Returns the number of people logged."""
    purpose = f"campaign:{campaign.pk}:convocations"
    (first,) = log_access(
        request, campaign, AccessAction.EXPORT, fields=CONVOCATION_FIELDS, purpose=purpose
    )
    where, params = "", []
    if office_ids is not None:
        where, params = " AND c.office_id = ANY(%s)", [sorted(office_ids)]
    table = AccessLog._meta.db_table
    columns = (
        "at, user_id, username, office_id, ip, request_id, path, action, fields, special, purpose"
    )
    sql = f"""
        INSERT INTO {table} ({columns}, object_type, object_id)
        SELECT {", ".join("l." + c.strip() for c in columns.split(","))},
               'people.person', c.person_id::text
          FROM {table} l, {Convocation._meta.db_table} c
         WHERE l.id = %s AND c.campaign_id = %s{where}
    """  # noqa: S608 - table and column names are ours
    with connection.cursor() as cursor:
        cursor.execute(sql, [first.pk, campaign.pk, *params])
        return int(cursor.rowcount)


# -- responses ------------------------------------------------------------------------------


def _filename(campaign: Campaign, what: str, extension: str) -> str:
    return f"{campaign.slug}-{what}-{timezone.localdate():%Y%m%d}.{extension}"


def csv_response(
    campaign: Campaign, what: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """The table as a streamed CSV download (cells made safe for spreadsheets)."""
    response = StreamingHttpResponse(
        csv_lines(header, rows, delimiter=CSV_DELIMITER), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, what, "csv")}"'
    return response


def xlsx_response(
    campaign: Campaign,
    what: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> FileResponse:
    spooled = tempfile.SpooledTemporaryFile(max_size=XLSX_MEMORY)  # noqa: SIM115 - the response closes it
    write_xlsx(spooled, title, header, rows)
    spooled.seek(0)
    return FileResponse(
        spooled,
        as_attachment=True,
        filename=_filename(campaign, what, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
