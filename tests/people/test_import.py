"""`sil people import`: whole-file validation, error codes, encodings, upsert by fiscal code."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from sil.people.importer import REQUIRED_COLUMNS, decode_bytes, detect_delimiter, parse_date
from sil.people.models import Person
from sil.people.synthetic import fiscal_code_for, omocodic_variant
from tests.factories import (
    CompetenceFactory,
    CountryFactory,
    MunicipalityFactory,
    OfficeFactory,
    PersonFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db

HEADER = list(REQUIRED_COLUMNS)


@pytest.fixture
def naples():
    return MunicipalityFactory(naples=True)


@pytest.fixture
def salerno():
    return MunicipalityFactory(salerno=True)


@pytest.fixture
def cpi_naples(naples):
    cpi = OfficeFactory(name="CPI Napoli")
    CompetenceFactory(office=cpi, municipality=naples)
    return cpi


def code(last="Esposito", first="Anna", sex="F", born=dt.date(1985, 6, 14), place="F839"):
    return fiscal_code_for(
        last_name=last, first_name=first, sex=sex, birth_date=born, cadastral_code=place
    )


def row(**values):
    base = {
        "codice_fiscale": code(),
        "cognome": "Esposito",
        "nome": "Anna",
        "sesso": "F",
        "data_nascita": "14/06/1985",
        "comune_nascita": "F839",
        "cittadinanza": "IT",
        "comune_residenza": "Napoli (NA)",
        "indirizzo": "Via Toledo 1",
        "telefono": "333 123 4567",
        "email": "anna.esposito@esempio.it",
    }
    base.update(values)
    return base


def write(tmp_path, rows, *, delimiter=",", encoding="utf-8", header=None, name="people.csv"):
    header = header or HEADER
    lines = [delimiter.join(header)]
    for values in rows:
        lines.append(delimiter.join(str(values.get(column, "")) for column in header))
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def run(path, *args):
    """(report dict, exit status) of `sil people import --json`."""
    out = io.StringIO()
    try:
        call_command(
            "people", "import", str(path), "--json", *args, stdout=out, stderr=io.StringIO()
        )
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return json.loads(out.getvalue()), status


def error_set(report):
    return {(e["row"], e["field"], e["code"]) for e in report["errors"]}


# -- small pieces --------------------------------------------------------------------------------


def test_dates_in_italian_and_iso_form():
    assert parse_date("14/06/1985") == parse_date("1985-06-14") == dt.date(1985, 6, 14)
    assert parse_date("4/6/1985") == dt.date(1985, 6, 4)
    assert parse_date("31/02/1985") is None
    assert parse_date("ieri") is None


def test_encoding_and_delimiter_detection():
    assert decode_bytes("Nicolò".encode()) == ("Nicolò", "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf" + "Nicolò".encode()) == ("Nicolò", "utf-8-sig")
    assert decode_bytes("Nicolò".encode("cp1252")) == ("Nicolò", "cp1252")
    assert detect_delimiter("a;b;c,d") == ";"
    assert detect_delimiter("a,b,c") == ","


# -- a good file ---------------------------------------------------------------------------------


def test_good_file_creates_updates_and_is_idempotent(tmp_path, naples, salerno, cpi_naples):
    known = PersonFactory(
        last_name="Russo",
        first_name="Marco",
        birth_date=dt.date(1990, 1, 2),
        birth_municipality=naples,
        residence_municipality=salerno,
        phone="",
    )
    rows = [
        row(),  # Napoli by "Name (PR)", Italian date
        row(
            codice_fiscale=code("Bianchi", "Luca", "M", dt.date(1979, 12, 1), "H703"),
            cognome="Bianchi",
            nome="Luca",
            sesso="M",
            data_nascita="1979-12-01",
            comune_nascita="Salerno",
            comune_residenza="063049",  # ISTAT code
            telefono="+39 081 555 1234",
            email="",
        ),
        row(
            codice_fiscale=known.fiscal_code.lower(),
            cognome="Russo",
            nome="Marco",
            sesso="M",
            data_nascita="02/01/1990",
            comune_nascita="",
            comune_residenza="F839",  # cadastral code: moved to Naples
            indirizzo="Piazza Dante 3",
            telefono="",
            email="",
        ),
    ]
    path = write(tmp_path, rows)

    report, status = run(path)

    assert status == 0
    assert report["errors"] == []
    assert (report["rows"], report["valid"], report["invalid"]) == (3, 3, 0)
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 1, 0)
    anna = Person.objects.get(fiscal_code=code())
    assert anna.birth_municipality == naples
    assert anna.residence_municipality == naples
    assert anna.competent_office == cpi_naples
    assert anna.phone == "+393331234567"
    luca = Person.objects.get(last_name="Bianchi")
    assert luca.birth_date == dt.date(1979, 12, 1)
    assert luca.birth_municipality == salerno
    known.refresh_from_db()
    assert known.residence_municipality == naples
    assert known.residence_address == "Piazza Dante 3"
    assert known.competent_office == cpi_naples
    assert known.email.startswith("persona")  # empty cell: stored value kept
    assert Person.objects.count() == 3

    again, status = run(path)
    assert status == 0
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert Person.objects.count() == 3


def test_cp1252_semicolon_file(tmp_path, naples):
    rows = [row(cognome="D'Aniello", nome="Nicolò", codice_fiscale=code("D'Aniello", "Nicolò"))]
    path = write(tmp_path, rows, delimiter=";", encoding="cp1252")
    report, status = run(path)
    assert status == 0, report["errors"]
    assert (report["encoding"], report["delimiter"]) == ("cp1252", ";")
    assert Person.objects.get().first_name == "Nicolò"


def test_utf8_bom_file_and_accent_insensitive_names(tmp_path):
    MunicipalityFactory(
        name="Forlì", province_code="FC", cadastral_code="D704", istat_code="040012"
    )
    path = tmp_path / "bom.csv"
    rows = [
        row(comune_residenza="forli (FC)", codice_fiscale=code(place="D704"), comune_nascita="")
    ]
    write(tmp_path, rows, name="plain.csv")
    path.write_bytes(b"\xef\xbb\xbf" + (tmp_path / "plain.csv").read_bytes())
    report, status = run(path)
    assert status == 0, report["errors"]
    assert report["encoding"] == "utf-8-sig"
    assert Person.objects.get().residence_municipality.name == "Forlì"


def test_foreign_birth_country_by_z_code_or_name(tmp_path, naples):
    romania = CountryFactory(romania=True)
    rows = [
        row(codice_fiscale=code(place="Z129"), comune_nascita="Romania", cittadinanza="RO"),
        row(
            codice_fiscale=code("Popescu", "Ion", "M", dt.date(1980, 3, 3), "Z129"),
            cognome="Popescu",
            nome="Ion",
            sesso="M",
            data_nascita="03/03/1980",
            comune_nascita="Z129",
            cittadinanza="RO",
        ),
    ]
    report, status = run(write(tmp_path, rows))
    assert status == 0, report["errors"]
    assert set(Person.objects.values_list("birth_country", flat=True)) == {romania.pk}


def test_warnings_do_not_block(tmp_path, naples):
    report, status = run(write(tmp_path, [row(sesso="M")]))
    assert status == 0
    assert report["created"] == 1
    assert [(w["row"], w["field"], w["code"]) for w in report["warnings"]] == [
        (2, "sesso", "sex_mismatch")
    ]


def test_omocodic_code_is_a_different_person_key(tmp_path, naples):
    PersonFactory(
        fiscal_code=code(), last_name="Esposito", first_name="Anna", birth_municipality=naples
    )
    variant = omocodic_variant(code(), 1)
    report, status = run(write(tmp_path, [row(codice_fiscale=variant)]))
    assert status == 0, report["errors"]
    assert report["created"] == 1  # keyed on the code as issued; the detector flags the pair
    assert Person.objects.count() == 2


# -- bad files -----------------------------------------------------------------------------------


def test_file_full_of_errors_writes_nothing_and_reports_every_error(tmp_path, naples):
    good = code()
    wrong_check = good[:15] + ("A" if good[15] != "A" else "B")
    no_such_date = "ESPNNA85B31F839" + "X"  # 31 February
    from sil.core.fiscal_code import check_character

    no_such_date = no_such_date[:15] + check_character(no_such_date[:15])
    rows = [
        row(),  # line 2: good
        row(codice_fiscale="NOTACODE"),  # 3
        row(codice_fiscale=wrong_check),  # 4
        row(codice_fiscale=code("Rossi", "Anna"), cognome="", data_nascita="31/02/1985"),  # 5
        row(codice_fiscale=code("Verdi", "Anna"), cognome="Verdi", comune_residenza="Atlantide"),
        row(codice_fiscale=code("Neri", "Anna"), cognome="Neri", email="non-una-mail"),  # 7
        row(codice_fiscale=code("Gialli", "Anna"), cognome="Gialli", telefono="12"),  # 8
        row(),  # 9: same code as line 2
        row(codice_fiscale=code("Blu", "Anna"), cognome="Blu", sesso="X"),  # 10
        row(codice_fiscale=code("Rosa", "Anna"), cognome="Rosa", cittadinanza="Italiana"),  # 11
        row(codice_fiscale=no_such_date, data_nascita=""),  # 12
        row(codice_fiscale="", cognome="Senza"),  # 13
        row(codice_fiscale=code("Viola", "Anna"), cognome="Viola", comune_residenza=""),  # 14
    ]
    path = write(tmp_path, rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("SOLO,DUE\r\n")  # 15: wrong number of columns

    report, status = run(path)

    assert status == 1
    assert Person.objects.count() == 0
    assert error_set(report) == {
        (3, "codice_fiscale", "cf_invalid"),
        (4, "codice_fiscale", "cf_check"),
        (5, "data_nascita", "date_invalid"),
        (5, "cognome", "required"),
        (6, "comune_residenza", "municipality_unknown"),
        (7, "email", "email_invalid"),
        (8, "telefono", "phone_invalid"),
        (9, "codice_fiscale", "duplicate_in_file"),
        (10, "sesso", "sex_invalid"),
        (11, "cittadinanza", "citizenship_invalid"),
        (12, "codice_fiscale", "cf_birth_date"),
        (12, "data_nascita", "required"),  # nor can it be taken from the code
        (13, "codice_fiscale", "required"),
        (14, "comune_residenza", "required"),
        (15, "", "columns"),
    }
    assert (report["rows"], report["valid"], report["invalid"]) == (14, 1, 13)
    assert (report["created"], report["updated"]) == (0, 0)
    assert all(e["message"] for e in report["errors"])


def test_required_surname_is_reported_once_the_format_is_right(tmp_path, naples):
    report, status = run(write(tmp_path, [row(cognome="")]))
    assert status == 1
    assert error_set(report) == {(2, "cognome", "required")}
    assert report["errors"][0]["message"] == "Indicare il cognome."


def test_skip_invalid_writes_the_good_rows(tmp_path, naples):
    rows = [
        row(),
        row(codice_fiscale="NOTACODE"),
        row(codice_fiscale=code("Verdi"), cognome="Verdi"),
    ]
    report, status = run(write(tmp_path, rows), "--skip-invalid")
    assert status == 0
    assert report["written"] is True
    assert (report["valid"], report["invalid"], report["created"]) == (2, 1, 2)
    assert error_set(report) == {(3, "codice_fiscale", "cf_invalid")}
    assert Person.objects.count() == 2


def test_skip_invalid_with_nothing_valid_fails(tmp_path, naples):
    report, status = run(write(tmp_path, [row(codice_fiscale="NOTACODE")]), "--skip-invalid")
    assert status == 1
    assert report["written"] is False


def test_dry_run_writes_nothing(tmp_path, naples):
    report, status = run(write(tmp_path, [row()]), "--dry-run")
    assert status == 0
    assert report["dry_run"] is True
    assert (report["valid"], report["created"], report["written"]) == (1, 1, False)
    assert Person.objects.count() == 0


def test_missing_columns_and_missing_file(tmp_path):
    report, status = run(write(tmp_path, [row()], header=["codice_fiscale", "cognome"]))
    assert status == 1
    assert [e["code"] for e in report["errors"]] == ["header_missing"]
    assert "comune_residenza" in report["errors"][0]["field"]

    report, status = run(tmp_path / "nope.csv")
    assert status == 1
    assert [e["code"] for e in report["errors"]] == ["file_unreadable"]


def test_ambiguous_municipality_name_needs_the_province(tmp_path, naples):
    MunicipalityFactory(name="San Paolo", province_code="BS", cadastral_code="I000")
    MunicipalityFactory(
        name="San Paolo",
        province_code="QA",
        cadastral_code="I001",
        province=ProvinceFactory(code="QA"),
    )
    report, status = run(write(tmp_path, [row(comune_residenza="San Paolo")]))
    assert status == 1
    assert error_set(report) == {(2, "comune_residenza", "municipality_ambiguous")}
    report, status = run(write(tmp_path, [row(comune_residenza="San Paolo (BS)")]))
    assert status == 0, report["errors"]
    assert Person.objects.get().residence_municipality.cadastral_code == "I000"


def test_json_report_shape(tmp_path, naples):
    report, _status = run(write(tmp_path, [row(), row(codice_fiscale="X")]))
    assert {"rows", "valid", "invalid", "created", "updated", "errors"} <= set(report)
    assert set(report["errors"][0]) == {"row", "field", "code", "message"}


def test_text_report_lists_errors_on_stderr(tmp_path, naples):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "people", "import", str(write(tmp_path, [row(email="x@")])), stdout=out, stderr=err
        )
    assert caught.value.returncode == 1
    assert "riga 2: email: [email_invalid]" in err.getvalue()
    assert "non valide: 1" in out.getvalue()


def test_history_rows_carry_the_import_context(tmp_path, naples):
    from django.apps import apps

    path = write(tmp_path, [row()], name="campagna.csv")
    run(path)
    events = apps.get_model("people", "PersonEvent").objects.select_related("pgh_context")
    [event] = events.filter(pgh_label="insert")
    assert event.pgh_context.metadata["action"] == "import_people"
    assert event.pgh_context.metadata["file"] == "campagna.csv"


def test_queries_do_not_grow_with_the_rows_except_field_checks(
    tmp_path, naples, salerno, django_assert_max_num_queries
):
    rows = [
        row(
            codice_fiscale=code(born=dt.date(1985, 6, n + 1)),
            data_nascita=f"{n + 1:02d}/06/1985",
            comune_residenza=("Napoli (NA)", "063049", "H703")[n % 3],
        )
        for n in range(20)
    ]
    # Reads: places (2), stored people, birthplaces (2), competences; write: one insert.
    # build_person's full_clean still checks each foreign key with a query (see report).
    with django_assert_max_num_queries(10 + 20 * 3):
        report, status = run(write(tmp_path, rows))
    assert (status, report["created"]) == (0, 20), report["errors"]


def test_optional_domicile_columns(tmp_path, naples, salerno, cpi_naples, settings):
    settings.SIL_COMPETENCE_BY_DOMICILE = True
    cpi_salerno = OfficeFactory(name="CPI Salerno")
    CompetenceFactory(office=cpi_salerno, municipality=salerno)
    header = [*HEADER, "Comune Domicilio", "indirizzo-domicilio"]
    values = {**row(), "Comune Domicilio": "Salerno (SA)", "indirizzo-domicilio": "Corso 1"}
    report, status = run(write(tmp_path, [values], header=header))
    assert status == 0, report["errors"]
    person = Person.objects.get()
    assert (person.domicile_municipality, person.domicile_address) == (salerno, "Corso 1")
    assert person.competent_office == cpi_salerno


def test_binary_or_undecodable_file_is_a_reported_error(tmp_path):
    nul = tmp_path / "nul.csv"
    nul.write_bytes(",".join(HEADER).encode() + b"\r\nRoss\x00i\r\n")
    report, status = run(nul)
    assert status != 0
    assert [e["code"] for e in report["errors"]] == ["file_binary"]
    dos = tmp_path / "dos.csv"
    dos.write_bytes((",".join(HEADER) + "\r\nMüller\r\n").encode("cp850"))
    report, status = run(dos)
    assert status != 0
    assert [e["code"] for e in report["errors"]] == ["file_encoding"]
    assert Person.objects.count() == 0
