"""Import of beneficiary lists: formats, every error code, exclusions, nothing partial."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from sil.campaigns import importer
from sil.campaigns.importer import import_file
from sil.campaigns.models import (
    Convocation,
    ConvocationEvent,
    ConvocationState,
    Exclusion,
    Household,
    ImportBatch,
)
from sil.core import fiscal_code as cf
from sil.people.models import Person
from tests.campaigns.factories import (
    BenefitProgrammeFactory,
    CampaignFactory,
    ConvocationFactory,
)
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    PersonFactory,
    ProvinceFactory,
)

HEADER = "codice_fiscale;cognome;nome;id_nucleo;telefono;email;comune_residenza;indirizzo;misura"


def code(last: str, first: str, born: dt.date, sex: str = "M", place: str = "F839") -> str:
    return cf.encode(
        last_name=last, first_name=first, sex=sex, birth_date=born, cadastral_code=place
    )


@pytest.fixture
def world(db):
    naples = MunicipalityFactory(naples=True)
    salerno = MunicipalityFactory(salerno=True)
    # A municipality of the Region that no CPI serves, and one of another Region.
    avellino = MunicipalityFactory(
        istat_code="064008",
        cadastral_code="A509",
        name="Avellino",
        province=ProvinceFactory(avellino=True),
    )
    rome = MunicipalityFactory(rome=True)
    cpi_a, cpi_b = OfficeFactory(code="CPI-NA"), OfficeFactory(code="CPI-SA")
    CompetenceFactory(office=cpi_a, municipality=naples)
    CompetenceFactory(office=cpi_b, municipality=salerno)
    programme = BenefitProgrammeFactory(code="NASPI-T", name="NASpI di prova")
    campaign = CampaignFactory(programme=programme, slug="naspi-test")
    return {
        "naples": naples,
        "salerno": salerno,
        "avellino": avellino,
        "rome": rome,
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "campaign": campaign,
    }


def row(
    fiscal: str,
    last: str = "Rossi",
    first: str = "Mario",
    household: str = "N1",
    phone: str = "3331234567",
    email: str = "",
    town: str = "Napoli",
    address: str = "Via Roma 1",
    measure: str = "NASPI-T",
) -> str:
    return ";".join([fiscal, last, first, household, phone, email, town, address, measure])


def write(tmp_path, lines, name="lista.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def good_lines():
    return [
        HEADER,
        row(code("Rossi", "Mario", dt.date(1980, 5, 1)), household="N1"),
        row(
            code("Bianchi", "Anna", dt.date(1985, 3, 2), "F"),
            "Bianchi",
            "Anna",
            household="N1",
            phone="",
            email="anna@example.it",
        ),
        row(code("Verdi", "Luca", dt.date(1990, 7, 3)), "Verdi", "Luca", "N2", town="Salerno"),
    ]


def test_valid_file_writes_people_households_and_convocations(world, tmp_path):
    report = import_file(write(tmp_path, good_lines()), world["campaign"])
    assert report.errors == []
    assert (report.rows, report.valid, report.invalid, report.excluded) == (3, 3, 0, 0)
    assert report.written and report.created == 3
    assert report.assigned_by_office == {"CPI-NA": 2, "CPI-SA": 1}
    convocations = Convocation.objects.filter(campaign=world["campaign"]).select_related(
        "person", "household"
    )
    assert convocations.count() == 3
    assert {c.state for c in convocations} == {ConvocationState.ASSIGNED}
    anna = convocations.get(person__first_name="Anna")
    assert anna.office == world["cpi_a"] and anna.person.competent_office == world["cpi_a"]
    assert anna.email == "anna@example.it" and anna.household.code == "N1"
    # Birth data came from the code.
    assert anna.person.birth_date == dt.date(1985, 3, 2) and anna.person.sex == "F"
    assert Household.objects.filter(programme=world["campaign"].programme).count() == 2
    assert ConvocationEvent.objects.filter(kind="assigned").count() == 3
    batch = ImportBatch.objects.get(pk=report.batch)
    assert batch.written and batch.rows == 3 and batch.report["assigned_by_office"]


def test_people_are_upserted_never_duplicated(world, tmp_path):
    existing = PersonFactory(
        last_name="Rossi",
        first_name="Mario",
        birth_date=dt.date(1980, 5, 1),
        birth_municipality=world["naples"],
        residence_municipality=world["naples"],
        competent_office=world["cpi_a"],
        phone="",
    )
    report = import_file(write(tmp_path, good_lines()), world["campaign"])
    assert report.written and report.created == 2 and report.updated == 1
    assert Person.objects.filter(fiscal_code=existing.fiscal_code).count() == 1
    existing.refresh_from_db()
    assert existing.phone == "+393331234567"
    assert Convocation.objects.get(person=existing).office == world["cpi_a"]


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ";"), ("cp1252", ","), ("utf-8-sig", ",")]
)
def test_encodings_and_delimiters(world, tmp_path, encoding, delimiter):
    lines = [line.replace(";", delimiter) for line in good_lines()]
    lines[1] = lines[1].replace("Via Roma 1", "Via Nicolò Tommaseo 4")
    report = import_file(write(tmp_path, lines, encoding=encoding), world["campaign"])
    assert report.errors == [] and report.written
    assert report.delimiter == delimiter
    assert report.encoding == ("cp1252" if encoding == "cp1252" else encoding)
    person = Person.objects.get(first_name="Mario")
    assert person.residence_address == "Via Nicolò Tommaseo 4"


def test_xlsx_in_read_only_mode(world, tmp_path):
    book = Workbook()
    sheet = book.active
    for line in good_lines():
        cells: list[object] = line.split(";")
        if cells[4].isdigit():
            cells[4] = float(cells[4])  # spreadsheets turn phone numbers into numbers
        sheet.append(cells)
    sheet.append([None] * 9)  # blank rows at the end are ignored
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "lista.xlsx"
    path.write_bytes(buffer.getvalue())
    report = import_file(path, world["campaign"])
    assert report.errors == [] and report.file_format == "xlsx"
    assert report.rows == 3 and report.written
    assert Convocation.objects.get(person__first_name="Mario").phone == "+393331234567"


def test_every_bad_row_is_reported_and_nothing_written(world, tmp_path):
    good = code("Rossi", "Mario", dt.date(1980, 5, 1))
    lines = [
        HEADER,
        row(good),  # 2: fine
        row("RSSMRA80E01F839X"),  # 3: wrong check character
        row(code("Neri", "Ugo", dt.date(1970, 1, 1)), "Neri", "Ugo", measure="ADI"),  # 4
        row(code("Gialli", "Eva", dt.date(1971, 1, 1), "F"), "Gialli", "Eva", town=""),  # 5
        row(good),  # 6: duplicate of row 2
        row(code("Blu", "Ivo", dt.date(1972, 1, 1)), "Blu", "Ivo", town="Atlantide"),  # 7
        row(code("Rosa", "Ada", dt.date(1973, 1, 1), "F"), "Rosa", "Ada", household="X" * 61),
        row(code("Viola", "Ugo", dt.date(1974, 1, 1)), "Viola", "Ugo", phone="12ab"),  # 9
        row(code("Oro", "Ivo", dt.date(1975, 1, 1)), "Oro", "Ivo", email="non-una-mail"),  # 10
        row("", "Senza", "Codice"),  # 11
        "solo;tre;colonne",  # 12
        row(code("Lilla", "Ada", dt.date(1976, 1, 1), "F"), "Lilla", "Ada", measure=""),  # 13
    ]
    report = import_file(write(tmp_path, lines), world["campaign"])
    found = {(e.row, e.field, e.code) for e in report.errors}
    assert (3, "codice_fiscale", "cf_check") in found
    assert (4, "misura", "programme_mismatch") in found
    assert (5, "comune_residenza", "required") in found
    assert (6, "codice_fiscale", "duplicate_in_file") in found
    assert (7, "comune_residenza", "municipality_unknown") in found
    assert (8, "id_nucleo", "too_long") in found
    assert (9, "telefono", "phone_invalid") in found
    assert (10, "email", "email_invalid") in found
    assert (11, "codice_fiscale", "required") in found
    assert (12, "", "columns") in found
    assert (13, "misura", "required") in found
    assert all(e.message for e in report.errors)
    # A missing value is one error, not one from the campaign checks and one from the registry.
    assert [e.field for e in report.errors if e.row == 5] == ["comune_residenza"]
    assert report.rows == 12 and report.invalid == 11 and report.valid == 1
    assert not report.written
    assert Person.objects.count() == 0 and Convocation.objects.count() == 0
    batch = ImportBatch.objects.get(pk=report.batch)
    assert batch.status == "failed" and not batch.written and batch.invalid == 11


def test_file_level_errors(world, tmp_path):
    empty = import_file(write(tmp_path, [""], "vuoto.csv"), world["campaign"])
    assert [e.code for e in empty.errors] == ["empty_file"]
    header = import_file(write(tmp_path, ["codice_fiscale;cognome;nome"]), world["campaign"])
    assert header.errors[0].code == "header_missing" and "misura" in header.errors[0].field
    broken = tmp_path / "rotto.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert import_file(broken, world["campaign"]).errors[0].code == "xlsx_invalid"
    missing = import_file(tmp_path / "assente.csv", world["campaign"])
    assert missing.errors[0].code == "file_unreadable"


def test_household_required_when_the_programme_sanctions_households(world, tmp_path):
    campaign = CampaignFactory(programme=BenefitProgrammeFactory(adi=True))
    lines = [HEADER, row(code("Rossi", "Mario", dt.date(1980, 5, 1)), household="", measure="ADI")]
    report = import_file(write(tmp_path, lines), campaign)
    assert [(e.field, e.code) for e in report.errors] == [("id_nucleo", "household_required")]


def test_exclusions_with_reasons(world, tmp_path):
    other = CampaignFactory(running=True)
    convened = PersonFactory(birth_municipality=world["naples"], competent_office=world["cpi_a"])
    ConvocationFactory(campaign=other, person=convened, office=world["cpi_a"])
    # A convocation of a closed campaign does not exclude.
    past = PersonFactory(birth_municipality=world["naples"], competent_office=world["cpi_a"])
    ConvocationFactory(campaign=CampaignFactory(closed=True), person=past, office=world["cpi_a"])
    signed = PersonFactory(birth_municipality=world["naples"], competent_office=world["cpi_a"])
    from sil.services.models import ServicePact

    ServicePact.objects.create(
        person=signed,
        office=world["cpi_a"],
        state="signed",
        job_search_actions="x",
        meeting_frequency="x",
        search_proof="x",
        availability="x",
        valid_from=dt.date(2026, 1, 1),
        signed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        signature_method="paper",
        document_sha256="0" * 64,
    )

    def person_row(p, **kw):
        return row(p.fiscal_code, p.last_name, p.first_name, **kw)

    lines = [
        HEADER,
        row(code("Rossi", "Mario", dt.date(1980, 5, 1))),  # convened
        row(code("Lazio", "Ugo", dt.date(1981, 1, 1)), "Lazio", "Ugo", town="Roma"),
        row(code("Irpino", "Ugo", dt.date(1982, 1, 1)), "Irpino", "Ugo", town="Avellino"),
        person_row(convened),
        person_row(signed),
        row(code("Muto", "Ivo", dt.date(1983, 1, 1)), "Muto", "Ivo", phone="", email=""),
        person_row(past),
    ]
    report = import_file(write(tmp_path, lines), world["campaign"])
    assert report.errors == []
    assert report.excluded_by_reason == {
        "outside_region": 1,
        "no_office": 1,
        "already_convened": 1,
        "pact_signed": 1,
        "no_contact": 1,
    }
    assert report.excluded == 5 and report.convened == 2
    reasons = dict(
        Exclusion.objects.filter(campaign=world["campaign"]).values_list("row", "reason")
    )
    assert reasons == {
        3: "outside_region",
        4: "no_office",
        5: "already_convened",
        6: "pact_signed",
        7: "no_contact",
    }
    # Someone living in another Region is not registered here.
    assert not Person.objects.filter(last_name="Lazio").exists()
    assert Person.objects.filter(last_name="Irpino").exists()
    # Importing the same list again: everyone already in the campaign is a duplicate.
    again = import_file(write(tmp_path, lines[:2], "di-nuovo.csv"), world["campaign"])
    assert again.excluded_by_reason == {"duplicate": 1} and again.convened == 0


def test_dry_run_writes_only_its_record(world, tmp_path):
    report = import_file(write(tmp_path, good_lines()), world["campaign"], dry_run=True)
    assert report.errors == [] and not report.written and report.dry_run
    assert report.assigned_by_office == {"CPI-NA": 2, "CPI-SA": 1}
    assert Person.objects.count() == 0 and Convocation.objects.count() == 0
    assert ImportBatch.objects.get(pk=report.batch).dry_run


def test_only_draft_campaigns_accept_a_list(world, tmp_path):
    campaign = CampaignFactory(ready=True, programme=world["campaign"].programme)
    report = import_file(write(tmp_path, good_lines()), campaign)
    assert report.errors[0].code == "campaign_not_draft"
    assert Convocation.objects.count() == 0


def test_failure_in_the_middle_of_writing_leaves_nothing(world, tmp_path, monkeypatch):
    """The convocations fail after people and households were written: all rolls back."""
    original = importer.bulk.copy_records

    def explode(cursor, table, columns, records):
        if table == "campaigns_convocation":
            for _n, _record in zip(range(2), records, strict=False):
                pass
            raise RuntimeError("interrupted")
        return original(cursor, table, columns, records)

    monkeypatch.setattr(importer.bulk, "copy_records", explode)
    with pytest.raises(RuntimeError):
        import_file(write(tmp_path, good_lines()), world["campaign"])
    assert Person.objects.count() == 0
    assert Household.objects.count() == 0
    assert Convocation.objects.count() == 0
    assert not ImportBatch.objects.filter(written=True).exists()


def test_command_json(world, tmp_path, capsys):
    path = write(tmp_path, good_lines())
    call_command("campaigns", "import", str(path), "--campaign", "naspi-test", "--json")
    data = json.loads(capsys.readouterr().out)
    for key in ("rows", "valid", "invalid", "excluded", "errors", "assigned_by_office"):
        assert key in data
    assert data["assigned_by_office"] == {"CPI-NA": 2, "CPI-SA": 1} and data["written"]


def test_command_dry_run_and_errors_exit_code(world, tmp_path, capsys):
    path = write(tmp_path, good_lines())
    call_command("campaigns", "import", str(path), "--campaign", "naspi-test", "--dry-run")
    out = capsys.readouterr().out
    assert "CPI-NA" in out and Convocation.objects.count() == 0
    bad = write(tmp_path, [HEADER, row("XXX")], "bad.csv")
    with pytest.raises(CommandError) as exit_info:
        call_command("campaigns", "import", str(bad), "--campaign", "naspi-test", "--json")
    assert exit_info.value.returncode == 1
    assert json.loads(capsys.readouterr().out)["invalid"] == 1
