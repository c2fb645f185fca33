"""API: fiscal code check, people CRUD through the actions, access log, denied reads."""

import datetime as dt

import pytest

from sil.core import fiscal_code as cf
from sil.core.models import AccessLog
from sil.people.api import ACCESS_LOG_PURPOSE
from sil.people.models import Person
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CF_URL = "/api/v1/codice-fiscale/{}/"
PEOPLE = "/api/v1/people/"


@pytest.fixture
def world():
    naples = MunicipalityFactory(naples=True)
    cpi_a, cpi_b = OfficeFactory(), OfficeFactory()
    CompetenceFactory(office=cpi_a, municipality=naples)
    return {
        "naples": naples,
        "cpi_a": cpi_a,
        "a": PersonFactory(competent_office=cpi_a),
        "b": PersonFactory(competent_office=cpi_b),
        "operator_a": UserFactory(operator_of=cpi_a),
    }


def test_fiscal_code_check(client, world):
    client.force_login(world["operator_a"])
    code = cf.encode(
        last_name="Esposito",
        first_name="Anna",
        sex="F",
        birth_date=dt.date(1985, 6, 14),
        cadastral_code="F839",
    )
    omocodic = cf.omocodic_variant(code, 2)
    body = client.get(CF_URL.format(omocodic.lower())).json()
    assert body["valid"] is True
    assert body["errors"] == []
    assert (body["sex"], body["birth_date"], body["omocodic"]) == ("F", "1985-06-14", True)
    assert body["birthplace"] == {"code": "F839", "name": "Napoli"}
    bad = client.get(CF_URL.format(code[:15] + "A" if code[15] != "A" else code[:15] + "B"))
    assert bad.json()["valid"] is False
    assert [e["code"] for e in bad.json()["errors"]] == ["check_character"]
    unknown = cf.encode(
        last_name="X",
        first_name="Y",
        sex="M",
        birth_date=dt.date(1980, 1, 1),
        cadastral_code="Y999",
    )
    assert [e["code"] for e in client.get(CF_URL.format(unknown)).json()["errors"]] == [
        "birthplace_unknown"
    ]
    MunicipalityFactory(cadastral_code="A777", valid_from=dt.date(2010, 1, 1))
    late = cf.encode(
        last_name="X",
        first_name="Y",
        sex="M",
        birth_date=dt.date(1980, 1, 1),
        cadastral_code="A777",
    )
    assert [e["code"] for e in client.get(CF_URL.format(late)).json()["errors"]] == [
        "birthplace_not_valid_on_birth_date"
    ]
    assert client.get(CF_URL.format("12345678903")).json()["valid"] is True


def test_fiscal_code_check_needs_authentication(client):
    assert client.get(CF_URL.format("RSSMRA79B11C566R")).status_code in (401, 403)


def test_create_and_update_go_through_the_actions(client, world):
    client.force_login(world["operator_a"])
    code = cf.encode(
        last_name="Esposito",
        first_name="Anna",
        sex="F",
        birth_date=dt.date(1985, 6, 14),
        cadastral_code="F839",
    )
    payload = {
        "fiscal_code": code,
        "last_name": "Esposito",
        "first_name": "Anna",
        "residence_municipality": world["naples"].pk,
        "phone": "333 1234567",
    }
    response = client.post(PEOPLE, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["sex"], body["birth_date"], body["phone"]) == ("F", "1985-06-14", "+393331234567")
    assert body["competent_office"] == world["cpi_a"].pk
    again = client.post(PEOPLE, payload, content_type="application/json")
    assert again.status_code == 400
    bad = client.post(PEOPLE, {**payload, "fiscal_code": "12345678901"}, "application/json")
    assert bad.status_code == 400 and "fiscal_code" in bad.json()
    url = f"{PEOPLE}{body['id']}/"
    patched = client.patch(url, {"phone": "12"}, content_type="application/json")
    assert patched.status_code == 400 and "phone" in patched.json()
    patched = client.patch(url, {"first_name": "Annamaria"}, content_type="application/json")
    assert patched.status_code == 200
    assert Person.objects.get(pk=body["id"]).first_name == "Annamaria"


def test_access_log_endpoint(client, world):
    person = world["a"]
    client.force_login(world["operator_a"])
    client.get(f"{PEOPLE}{person.pk}/")
    response = client.get(f"{PEOPLE}{person.pk}/access-log/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0]["username"] == world["operator_a"].get_username()
    assert {row["action"] for row in rows} == {"api"}
    # Reading the log is itself logged.
    assert AccessLog.objects.filter(object_id=str(person.pk), purpose=ACCESS_LOG_PURPOSE).exists()


def test_operator_of_another_cpi_gets_404_and_the_attempt_is_logged(client, world):
    client.force_login(world["operator_a"])
    for path in ("", "access-log/"):
        response = client.get(f"{PEOPLE}{world['b'].pk}/{path}")
        assert response.status_code == 404
        assert world["b"].fiscal_code not in response.content.decode()
    denied = AccessLog.objects.filter(object_id=str(world["b"].pk))
    assert denied.count() == 2
    assert set(denied.values_list("action", "user_id")) == {("denied", world["operator_a"].pk)}
    assert (
        client.patch(
            f"{PEOPLE}{world['b'].pk}/", {"first_name": "X"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_consents_and_fiscal_code_history(client, world):
    from tests.factories import FiscalCodeChangeFactory

    person = world["a"]
    change = FiscalCodeChangeFactory(person=person)
    client.force_login(world["operator_a"])
    url = f"{PEOPLE}{person.pk}/consents/"
    response = client.post(url, {"kind": "providers", "given": True}, "application/json")
    assert response.status_code == 201, response.content
    assert client.post(url, {"kind": "nope", "given": True}, "application/json").status_code == 400
    rows = client.get(url).json()
    assert [(r["kind"], r["given"], r["by"]) for r in rows] == [
        ("providers", True, world["operator_a"].pk)
    ]
    history = client.get(f"{PEOPLE}{person.pk}/fiscal-code-changes/").json()
    assert [h["old_code"] for h in history] == [change.old_code]
    assert client.get(f"{PEOPLE}{world['b'].pk}/consents/").status_code == 404
