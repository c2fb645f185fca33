"""REST API: employers and their sites, for operators only; writes through the actions."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sil.core.models import AccessLog
from sil.employers.codes import make_vat_number
from sil.employers.models import Employer
from tests.employers.factories import EmployerFactory, EmployerSiteFactory, employer_user
from tests.factories import CompetenceFactory, MunicipalityFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/employers/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def world():
    naples = MunicipalityFactory(naples=True)
    cpi_a, cpi_b = OfficeFactory(), OfficeFactory()
    CompetenceFactory(office=cpi_a, municipality=naples)
    return {
        "naples": naples,
        "operator_a": UserFactory(operator_of=cpi_a),
        "operator_b": UserFactory(operator_of=cpi_b),
        "cpi_a": cpi_a,
    }


def test_only_operators(api, world):
    assert api.get(URL).status_code in (401, 403)
    for user in (UserFactory(citizen=True), employer_user(EmployerFactory())):
        api.force_authenticate(user)
        assert api.get(URL).status_code == 403


def test_list_search_and_retrieve(api, world):
    EmployerFactory(name="Vesuvio S.r.l.")
    EmployerFactory(name="Amalfi S.r.l.", ceased=True)
    api.force_authenticate(world["operator_b"])
    body = api.get(URL, {"q": "vesuvio"}).json()
    assert [row["name"] for row in body["results"]] == ["Vesuvio S.r.l."]
    assert [r["name"] for r in api.get(URL, {"active": "false"}).json()["results"]] == [
        "Amalfi S.r.l."
    ]
    pk = body["results"][0]["id"]
    detail = api.get(f"{URL}{pk}/").json()
    assert detail["vat_number"] == detail["fiscal_code"]


def test_create_validates_in_italian_and_fills_the_office(api, world):
    api.force_authenticate(world["operator_a"])
    bad = api.post(
        URL, {"fiscal_code": "12345678901", "name": "X", "municipality": world["naples"].pk}
    )
    assert bad.status_code == 400
    assert "cifra di controllo" in bad.json()["fiscal_code"][0]
    code = make_vat_number(2345678, 63)
    response = api.post(
        URL, {"fiscal_code": code, "name": "Nuova S.r.l.", "municipality": world["naples"].pk}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["office"] == world["cpi_a"].pk
    again = api.post(
        URL, {"fiscal_code": code, "name": "Doppia", "municipality": world["naples"].pk}
    )
    assert again.status_code == 400
    assert "già registrata" in again.json()["fiscal_code"][0]


def test_update_only_for_the_firms_office(api, world):
    firm = EmployerFactory(office=world["cpi_a"])
    api.force_authenticate(world["operator_b"])
    assert api.patch(f"{URL}{firm.pk}/", {"name": "Altro"}).status_code == 403
    api.force_authenticate(world["operator_a"])
    response = api.patch(f"{URL}{firm.pk}/", {"name": "Nuovo nome", "employees": 300})
    assert response.status_code == 200
    assert response.json()["size"] == "large"
    changed = api.patch(f"{URL}{firm.pk}/", {"fiscal_code": make_vat_number(99, 63)})
    assert changed.status_code == 400
    firm.refresh_from_db()
    assert firm.name == "Nuovo nome"


def test_sites(api, world):
    firm = EmployerFactory(office=world["cpi_a"])
    EmployerSiteFactory(employer=firm, name="Deposito")
    EmployerSiteFactory(name="Di un'altra impresa")
    api.force_authenticate(world["operator_a"])
    url = f"{URL}{firm.pk}/sites/"
    assert [s["name"] for s in api.get(url).json()["results"]] == ["Deposito"]
    created = api.post(url, {"name": "Negozio", "municipality": world["naples"].pk})
    assert created.status_code == 201, created.json()
    assert firm.sites.count() == 2
    api.force_authenticate(world["operator_b"])
    assert api.post(url, {"name": "No", "municipality": world["naples"].pk}).status_code == 403
    assert api.get(f"{URL}999999/sites/").status_code == 404


def test_sole_trader_reads_are_logged(api, world):
    trader = EmployerFactory(sole_trader=True)
    EmployerFactory()
    api.force_authenticate(world["operator_a"])
    api.get(URL)
    api.get(f"{URL}{trader.pk}/")
    assert sorted(AccessLog.objects.values_list("action", "object_id")) == [
        ("api", str(trader.pk)),
        ("api_list", str(trader.pk)),
    ]
    assert Employer.objects.count() == 2


def test_a_patch_answers_every_field_as_a_read_does(api, world):
    firm = EmployerFactory(office=world["cpi_a"], economic_activity=None)
    api.force_authenticate(world["operator_a"])
    read = api.get(f"{URL}{firm.pk}/").json()
    patched = api.patch(f"{URL}{firm.pk}/", {"name": "Nuovo nome"}).json()
    assert set(patched) == set(read)
    assert patched["ateco_code"] is None and patched["ateco_edition"] is None
