"""The COPY loader: fast checks agree with the actions, audit of batches, index rebuild."""

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import IntegrityError, ProgrammingError

from sil.core.models import BulkLoad
from sil.people import bulk
from sil.people.actions import Lookups, build_person
from sil.people.importer import Places, import_people
from sil.people.models import Person
from sil.people.phones import InvalidPhone, normalise_phone
from tests.factories import CompetenceFactory, MunicipalityFactory, OfficeFactory, PersonFactory
from tests.people.test_import import code, row, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def naples():
    municipality = MunicipalityFactory(naples=True)
    CompetenceFactory(office=OfficeFactory(name="CPI Napoli"), municipality=municipality)
    return municipality


@pytest.mark.parametrize(
    "text",
    [
        "333 123 4567",
        "+39 333 1234567",
        "0039 3331234567",
        "081 5551234",
        "+39 081 555 1234",
        "06 1234 5678",
        "12",
        "333 12",
        "+44 20 7946 0958",
        "(081) 555-1234",
        "800 123456",
    ],
)
def test_fast_phone_agrees_with_phonenumbers(text):
    fast = bulk.fast_phone(text)
    try:
        expected = normalise_phone(text)
    except InvalidPhone:
        expected = None
    if fast is not None:  # the fast path only ever answers what phonenumbers would
        assert fast == expected
    assert bulk.fast_phone("+39 333 1234567") == "+393331234567"


def test_fast_acceptor_builds_what_the_actions_build(naples):
    rows = [
        row(),
        row(
            codice_fiscale=code("D'Aniello", "Nicolò", "M", dt.date(1990, 2, 3)),
            cognome="D'Aniello",
            nome="Nicolò",
            sesso="M",
            data_nascita="1990-02-03",
            telefono="+39 081 555 1234",
            email="Nicolo.DAniello@Esempio.it",
            cittadinanza="it",
        ),
    ]
    places = Places({"Napoli (NA)", "F839"})
    lookups = Lookups()
    lookups.preload_cadastral_codes({"F839"})
    lookups.preload_competences([naples.pk])
    fast = bulk.FastChecker(places, lookups, dt.date.today())
    for cells in rows:
        record = fast.accept(cells, None)
        assert record is not None
        values = {
            "last_name": cells["cognome"],
            "first_name": cells["nome"],
            "sex": cells["sesso"],
            "birth_date": fast.date(cells["data_nascita"]),
            "citizenship": cells["cittadinanza"],
            "residence_municipality": naples,
            "residence_address": cells["indirizzo"],
            "phone": cells["telefono"],
            "email": cells["email"],
        }
        person, warnings = build_person(cells["codice_fiscale"], values, lookups)
        assert warnings == []
        assert record == bulk._record_of(person)
    # Odd rows are left to the actions (they word the warning or the error).
    assert fast.accept(row(sesso="M"), None) is None
    assert fast.accept(row(data_nascita=""), None) is None
    assert fast.accept(row(comune_residenza="Atlantide"), None) is None


def test_large_batch_has_one_audit_record_instead_of_row_history(tmp_path, naples):
    path = write(tmp_path, [row(), row(codice_fiscale=code("Verdi"), cognome="Verdi")])
    report = import_people(path, row_history=False)
    assert (report.created, report.written) == (2, True)
    assert apps.get_model("people", "PersonEvent").objects.count() == 0
    batch = BulkLoad.objects.get()
    ids = sorted(Person.objects.values_list("id", flat=True))
    assert (batch.kind, batch.source, batch.rows, batch.created) == (
        "import_people",
        "people.csv",
        2,
        2,
    )
    assert (batch.first_id, batch.last_id, batch.row_history) == (ids[0], ids[-1], False)
    import hashlib

    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        BulkLoad.objects.filter(pk=batch.pk).update(rows=0)  # append-only


def test_small_batch_keeps_row_history_and_the_record(tmp_path, naples):
    import_people(write(tmp_path, [row()]))
    assert apps.get_model("people", "PersonEvent").objects.filter(pgh_label="insert").count() == 1
    assert BulkLoad.objects.get().row_history is True


def test_update_path_through_copy(tmp_path, naples):
    known = PersonFactory(fiscal_code=code(), residence_municipality=naples, phone="")
    path = write(tmp_path, [row(indirizzo="Via Nuova 7", telefono="")])
    report = import_people(path, row_history=False)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    known.refresh_from_db()
    assert (known.residence_address, known.first_name) == ("Via Nuova 7", "Anna")
    assert import_people(path).unchanged == 1


def test_quoting_unicode_and_semicolons_survive_copy(tmp_path, naples):
    lines = [
        ";".join(row().keys()),
        ";".join(
            row(
                indirizzo='"Via ""Il Sole""; scala B\\2"',
                cognome="Esposito",
                nome="Anna",
            ).values()
        ),
    ]
    path = tmp_path / "quoted.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    out = io.StringIO()
    call_command("people", "import", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 1
    assert Person.objects.get().residence_address == 'Via "Il Sole"; scala B\\2'


def test_rebuild_restores_every_index_and_foreign_key(naples):
    def structures():
        with connection.cursor() as cursor:
            return bulk._secondary_structures(cursor, "people_person")

    before = structures()
    assert before[0] and before[1]
    person = PersonFactory.build(fiscal_code=code(), residence_municipality=naples)
    record = bulk._record_of(person)
    with transaction.atomic(), connection.cursor() as cursor:
        result = bulk.write_people(cursor, [record], rebuild=True)
    assert result.created == 1
    assert structures() == before
    bad = (code("Rossi"), *record[1:8], 999_999_999, *record[9:])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        bulk.write_people(cursor, [bad], rebuild=True)  # the re-added key checks every row
    assert structures() == before


def test_only_history_triggers_are_switched_off():
    names = bulk.history_trigger_names(Person)
    assert len(names) == 3
    assert all(name.split("_")[1] in {"insert", "update", "delete"} for name in names)
    assert all("names" not in name for name in names)  # the search dictionary keeps running
