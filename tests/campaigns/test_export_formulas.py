"""No export of a campaign hands a spreadsheet a formula: convocation lists, dashboards and
sanctionable events, as CSV and XLSX, from the pages, the API and the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sil.campaigns import sanctions
from sil.campaigns.importer import import_file
from sil.campaigns.models import Campaign, Convocation, Outcome
from sil.campaigns.outcomes import do_record_outcome
from sil.people.models import Person
from tests.campaigns.factories import ConvocationFactory
from tests.campaigns.reception_world import give_appointment, make_world
from tests.campaigns.test_import import HEADER, code, row
from tests.campaigns.test_import import world as import_world  # noqa: F401 - fixture
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://127.0.0.1/x"&A1,"Clicca")'
# What a list from the national platform may carry (the import keeps them: they are names).
IMPORTED = [HYPERLINK, "+39 SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]
# Leading tab and carriage return do not survive the import (blanks are collapsed) but may be
# in the registry from elsewhere.
STORED = ["\t=1+1", "\r=1+1"]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _xlsx_values(data: bytes) -> list[list]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, "a formula in the sheet"
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [cell for line in sheet.iter_rows() for cell in line]
    assert all(cell.data_type != "f" for cell in cells)
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    return [[cell.value for cell in line] for line in sheet.iter_rows()]


def _quoted(text: str) -> str:
    return "'" + text


@pytest.fixture
def imported(import_world, tmp_path):  # noqa: F811
    """A list imported with hostile surnames, plus people stored with a leading tab or CR."""
    path = tmp_path / "lista.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\n")
        for index, surname in enumerate(IMPORTED):
            fiscal = code("Rossi", "Mario", dt.date(1980, 1, 1) + dt.timedelta(days=index))
            handle.write(row(fiscal, last=f'"{surname.replace(chr(34), chr(34) * 2)}"') + "\n")
    campaign = import_world["campaign"]
    report = import_file(path, campaign)
    assert report.errors == [] and report.written, report.errors
    imported = set(Person.objects.values_list("last_name", flat=True))
    assert imported == set(IMPORTED)  # stored as given: names are data
    office = import_world["cpi_a"]
    for surname in STORED:
        ConvocationFactory(campaign=campaign, office=office, person__last_name=surname)
    return {**import_world, "regional": UserFactory(regional=True)}


def _export(client, campaign, what, fmt) -> bytes:
    response = client.get(reverse(f"campaigns:dashboard_export_{what}", args=[campaign.pk, fmt]))
    assert response.status_code == 200
    return _body(response)


def test_convocation_list_csv_quotes_every_formula(client, imported):
    campaign = imported["campaign"]
    client.force_login(imported["regional"])
    rows = _csv_rows(_export(client, campaign, "convocations", "csv"))
    surnames = sorted(line[1] for line in rows[1:])
    assert surnames == sorted(_quoted(s) for s in IMPORTED + STORED)
    for line in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)


def test_convocation_list_xlsx_holds_no_formula(client, imported):
    campaign = imported["campaign"]
    client.force_login(imported["regional"])
    values = _xlsx_values(_export(client, campaign, "convocations", "xlsx"))
    surnames = sorted(line[1] for line in values[1:])
    # XML reads a carriage return back as a line feed.
    expected = sorted(_quoted(s.replace("\r", "\n")) for s in IMPORTED + STORED)
    assert surnames == expected
    assert Convocation.objects.filter(campaign=campaign).count() == len(values) - 1


def test_dashboard_by_office_quotes_names_and_keeps_numbers(client, imported):
    campaign = imported["campaign"]
    office = imported["cpi_a"]
    office.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    office.code = "-CPI-NA"
    office.save()
    client.force_login(imported["regional"])
    rows = _csv_rows(_export(client, campaign, "offices", "csv"))
    line = next(line for line in rows if line[1].endswith("calc'!A0"))
    assert line[:2] == [_quoted(office.code), _quoted(office.name)]
    values = _xlsx_values(_export(client, campaign, "offices", "xlsx"))
    line = next(line for line in values if str(line[1]).endswith("calc'!A0"))
    assert line[:2] == [_quoted(office.code), _quoted(office.name)]
    assert isinstance(line[2], int) and line[2] > 0  # the counts are numbers, not text


# -- sanctionable events ------------------------------------------------------------------------

PROGRAMME = "=cmd|' /C calc'!A0"
SLUG = "-campagna"
OFFICE = "@CPI"


@pytest.fixture
def sanctioned():
    data = make_world(people=1)
    (convocation,) = data["convocations"]
    give_appointment(convocation, starts_at=timezone.now() - dt.timedelta(days=1))
    do_record_outcome(convocation, Outcome.ASS_INGIUST, by=data["operator"])
    campaign = data["campaign"]
    # Codes that no form lets through, written straight to the database: the export alone
    # must make them harmless.
    campaign.programme.__class__.objects.filter(pk=campaign.programme_id).update(code=PROGRAMME)
    Campaign.objects.filter(pk=campaign.pk).update(slug=SLUG)
    data["office"].__class__.objects.filter(pk=data["office"].pk).update(code=OFFICE)
    campaign.refresh_from_db()
    return {**data, "campaign": campaign}


def _check_sanctions_csv(text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert len(rows) == 1
    (event,) = rows
    assert event["misura"] == _quoted(PROGRAMME)
    assert event["campagna"] == _quoted(SLUG)
    assert event["codice_cpi"] == _quoted(OFFICE)
    assert event["id_convocazione"].isdigit()


def test_sanctions_csv_quotes_formulas_everywhere_it_is_served(client, sanctioned, tmp_path):
    campaign = sanctioned["campaign"]
    _check_sanctions_csv(sanctions.export(campaign, "csv").content)

    client.force_login(sanctioned["regional"])
    page = client.get(reverse("campaigns:sanctions_download", args=[campaign.pk, "csv"]))
    assert page.status_code == 200
    _check_sanctions_csv(page.content.decode())

    api = client.get(
        "/api/v1/campaign-sanctions/export/", {"campaign": campaign.pk, "export_format": "csv"}
    )
    assert api.status_code == 200
    _check_sanctions_csv(api.content.decode())

    out = tmp_path / "eventi.csv"
    call_command("sanctions_export", f"--campaign={SLUG}", "--format", "csv", "--output", str(out))
    _check_sanctions_csv(out.read_text(encoding="utf-8"))
