"""A beneficiary list with control or bidirectional characters: bad rows, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from sil.campaigns.importer import import_file
from sil.campaigns.models import Convocation, Household
from sil.people.models import Person
from tests.campaigns.test_import import HEADER, code, row, write
from tests.campaigns.test_import import world as import_world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_names_with_control_or_bidi_characters_are_bad_rows(import_world, tmp_path):  # noqa: F811
    lines = [
        HEADER,
        row(code("Rossi", "Mario", dt.date(1980, 5, 1))),
        row(code("Bianchi", "Anna", dt.date(1985, 3, 2), "F"), "Bianchi\u202etxt.exe", "Anna"),
        row(code("Verdi", "Luca", dt.date(1990, 7, 3)), "Verdi", "Lu\x07ca"),
        row(code("Neri", "Ugo", dt.date(1970, 1, 9)), "Neri", "Ugo", household="N\u2066 9"),
        row(code("Gialli", "Eva", dt.date(1975, 2, 8), "F"), "Gialli", "Eva", address="Via\x1b 1"),
    ]
    report = import_file(write(tmp_path, lines), import_world["campaign"])
    assert {(e.row, e.field, e.code) for e in report.errors} == {
        (3, "cognome", "bidi_control"),
        (4, "nome", "control_character"),
        (5, "id_nucleo", "bidi_control"),
        (6, "indirizzo", "control_character"),
    }
    assert all("non ammesso" in e.message for e in report.errors)
    assert (report.rows, report.valid, report.invalid) == (5, 1, 4)
    assert not report.written
    assert not Person.objects.exists()
    assert not Convocation.objects.exists() and not Household.objects.exists()
