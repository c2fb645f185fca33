"""Names refuse control and bidirectional characters on every way in: pages, API, imports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sil.core import fiscal_code as cf
from sil.people.models import Person
from tests.people.test_import import (
    naples,  # noqa: F401 - fixture
    row,
    run,
    write,
)
from tests.people.test_views import form_data
from tests.people.test_views import world as people_world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BAD_NAMES = [
    ("Rossi" + RLO + "txt.exe", "bidi_control"),
    ("\u2066Rossi\u2069", "bidi_control"),
    ("Ros\u200fsi", "bidi_control"),
    ("Ros\x07si", "control_character"),
    ("Rossi\x00", "control_character"),
    ("Ros\x9bsi", "control_character"),  # C1
]
PEOPLE = "/api/v1/people/"


@pytest.mark.parametrize(("name", "code"), BAD_NAMES)
def test_the_person_form_refuses_the_name_and_writes_nothing(client, people_world, name, code):  # noqa: F811
    client.force_login(people_world["operator_a"])
    response = client.post(reverse("people:person_create"), form_data(people_world, last_name=name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_last_name_error"' in html
    assert "non ammesso" in html or "non sono ammessi" in html  # NUL: Django's own message
    assert not Person.objects.filter(first_name="Giovanna").exists()


def test_the_edit_form_refuses_a_bidi_override(client, people_world):  # noqa: F811
    person = people_world["a"]
    client.force_login(people_world["operator_a"])
    data = form_data(
        people_world,
        fiscal_code=person.fiscal_code,
        last_name=person.last_name,
        first_name="Anna" + RLO,
    )
    response = client.post(reverse("people:person_edit", args=[person.pk]), data)
    assert response.status_code == 200
    assert "direzione della scrittura" in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Anna"


def test_names_stay_escaped_on_the_page(client, people_world):  # noqa: F811
    person = people_world["a"]
    Person.objects.filter(pk=person.pk).update(last_name="<script>alert(1)</script>")
    client.force_login(people_world["operator_a"])
    html = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _payload(world, **extra):
    code = cf.encode(
        last_name="Esposito",
        first_name="Anna",
        sex="F",
        birth_date=dt.date(1985, 6, 14),
        cadastral_code="F839",
    )
    return {
        "fiscal_code": code,
        "last_name": "Esposito",
        "first_name": "Anna",
        "residence_municipality": world["naples"].pk,
        **extra,
    }


@pytest.mark.parametrize(("name", "code"), BAD_NAMES)
def test_the_api_refuses_the_name_with_a_field_error(client, people_world, name, code):  # noqa: F811
    client.force_login(people_world["operator_a"])
    created = client.post(PEOPLE, _payload(people_world, last_name=name), "application/json")
    assert created.status_code == 400
    assert "last_name" in created.json()
    assert not Person.objects.filter(first_name="Anna", last_name__startswith="Ros").exists()
    person = people_world["a"]
    patched = client.patch(
        f"{PEOPLE}{person.pk}/", {"first_name": name}, content_type="application/json"
    )
    assert patched.status_code == 400 and "first_name" in patched.json()
    person.refresh_from_db()
    assert person.first_name == "Anna"


def test_the_api_refuses_line_breaks_in_a_one_line_field(client, people_world):  # noqa: F811
    client.force_login(people_world["operator_a"])
    person = people_world["a"]
    patched = client.patch(
        f"{PEOPLE}{person.pk}/",
        {"residence_address": "Via Roma 1\nPiano 2"},
        content_type="application/json",
    )
    assert patched.status_code == 400
    assert "una riga" in patched.json()["residence_address"][0]


def test_ordinary_names_still_pass(client, people_world):  # noqa: F811
    client.force_login(people_world["operator_a"])
    name = "D'Amico-Nguyễn Ødegård"
    created = client.post(PEOPLE, _payload(people_world, last_name=name), "application/json")
    assert created.status_code == 201, created.content
    assert Person.objects.get(pk=created.json()["id"]).last_name == name


def test_the_people_import_reports_the_rows_and_writes_nothing(tmp_path, naples):  # noqa: F811
    path = write(
        tmp_path,
        [
            row(),
            row(
                codice_fiscale=cf.encode(
                    last_name="Rossi",
                    first_name="Mario",
                    sex="M",
                    birth_date=dt.date(1980, 1, 1),
                    cadastral_code="F839",
                ),
                cognome="Rossi" + RLO + "txt.exe",
                nome="Mario",
                sesso="M",
                data_nascita="01/01/1980",
            ),
            row(
                codice_fiscale=cf.encode(
                    last_name="Bianchi",
                    first_name="Luca",
                    sex="M",
                    birth_date=dt.date(1981, 2, 2),
                    cadastral_code="F839",
                ),
                cognome="Bianchi",
                nome="Lu\x07ca",
                sesso="M",
                data_nascita="02/02/1981",
                indirizzo="Via\x1bRoma",
            ),
        ],
    )
    report, status = run(path)
    assert status != 0
    errors = {(e["row"], e["field"], e["code"]) for e in report["errors"]}
    assert errors == {
        (3, "cognome", "bidi_control"),
        (4, "nome", "control_character"),
        (4, "indirizzo", "control_character"),
    }
    assert all("non ammesso" in e["message"] for e in report["errors"])
    assert report["invalid"] == 2 and not report["written"]
    assert not Person.objects.exists()
