"""Operators' employer pages: list, search, detail, forms, permissions, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sil.core.models import AccessLog
from sil.employers.codes import make_vat_number
from sil.employers.models import Employer, EmployerMembership
from tests.employers.factories import EmployerFactory, EmployerSiteFactory, ateco, employer_user
from tests.factories import CompetenceFactory, MunicipalityFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/operatori/imprese/"


@pytest.fixture
def world():
    naples = MunicipalityFactory(naples=True)
    cpi_a, cpi_b = OfficeFactory(name="CPI A"), OfficeFactory(name="CPI B")
    CompetenceFactory(office=cpi_a, municipality=naples)
    return {
        "naples": naples,
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "operator_a": UserFactory(operator_of=cpi_a),
        "operator_b": UserFactory(operator_of=cpi_b),
        "firm_a": EmployerFactory(
            name="Vesuvio Software S.r.l.", office=cpi_a, municipality=naples
        ),
    }


def test_anonymous_and_non_operators_are_kept_out(client, world):
    assert client.get(LIST).status_code == 302
    for user in (UserFactory(citizen=True), employer_user(world["firm_a"])):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(f"{LIST}{world['firm_a'].pk}/").status_code == 403


def test_list_search_by_name_code_municipality_and_ateco(client, world):
    activity = ateco("62.10.00", section="K")
    EmployerFactory(name="Pizzeria Napoli", economic_activity=activity, ateco_section="K")
    other = EmployerFactory(name="Caseificio Sannio")
    client.force_login(world["operator_b"])  # any operator reads every firm
    names = lambda response: [e.name for e in response.context["page"].object_list]  # noqa: E731
    assert names(client.get(LIST, {"q": "vesuvio soft"})) == ["Vesuvio Software S.r.l."]
    assert names(client.get(LIST, {"q": other.vat_number})) == ["Caseificio Sannio"]
    assert names(client.get(LIST, {"municipality": "napol"})) == ["Vesuvio Software S.r.l."]
    assert names(client.get(LIST, {"ateco": "K"})) == ["Pizzeria Napoli"]
    assert names(client.get(LIST, {"ateco": "62.1"})) == ["Pizzeria Napoli"]


def test_ceased_firms_only_on_request(client, world):
    EmployerFactory(name="Chiusa S.r.l.", ceased=True)
    client.force_login(world["operator_a"])
    assert "Chiusa S.r.l." not in client.get(LIST).content.decode()
    assert "Chiusa S.r.l." in client.get(LIST, {"inactive": "on"}).content.decode()


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    client.force_login(world["operator_a"])
    client.get(LIST)  # warm up the session and MFA flag
    for _ in range(3):
        EmployerFactory(economic_activity=ateco(), sole_trader=False)
    with django_assert_num_queries(8):
        client.get(LIST)
    for _ in range(10):
        EmployerFactory(economic_activity=ateco(), office=world["cpi_b"])
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 14


def test_detail_shows_sites_users_consent_vacancies_and_timeline(
    client, world, django_assert_num_queries
):
    firm = world["firm_a"]
    EmployerSiteFactory(employer=firm, name="Stabilimento di Nola")
    employer_user(firm, first_name="Roberta", last_name="De Luca")
    client.force_login(world["operator_a"])
    client.get(LIST)
    with django_assert_num_queries(13):
        response = client.get(f"{LIST}{firm.pk}/")
    html = response.content.decode()
    assert "Stabilimento di Nola" in html
    assert "Roberta De Luca" in html
    assert "Cronologia" in html and "Registrazione" in html
    assert "0 offerte in tutto" in html
    assert response.context["can_edit"]


def test_sole_trader_reads_are_logged(client, world):
    trader = EmployerFactory(sole_trader=True, name="Mario Rossi")
    client.force_login(world["operator_a"])
    client.get(f"{LIST}{trader.pk}/")
    client.get(f"{LIST}{world['firm_a'].pk}/")
    client.get(LIST)
    logged = AccessLog.objects.filter(object_type="employers.employer")
    assert set(logged.values_list("object_id", flat=True)) == {str(trader.pk)}
    assert set(logged.values_list("action", flat=True)) == {"view", "list"}


def test_create_through_the_form(client, world):
    client.force_login(world["operator_a"])
    code = make_vat_number(7654321, 63)
    ateco("62.10.00")
    response = client.post(
        f"{LIST}nuova/",
        {
            "fiscal_code": code,
            "name": "Nuova Impresa S.r.l.",
            "ateco_edition": "2025",
            "ateco_code": "62.10.00",
            "municipality": "Napoli (NA)",
            "employees": "4",
            "directory_consent": "on",
        },
    )
    employer = Employer.objects.get(fiscal_code=code)
    assert response["Location"] == f"{LIST}{employer.pk}/"
    assert employer.office == world["cpi_a"]
    assert employer.size == "micro" and employer.directory_consent
    assert employer.economic_activity.code == "62.10.00"


def test_form_errors_are_shown_with_a_summary(client, world):
    client.force_login(world["operator_a"])
    response = client.post(
        f"{LIST}nuova/",
        {
            "fiscal_code": "12345678901",
            "name": "",
            "municipality": "Atlantide",
            "ateco_code": "99.99",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert "cifra di controllo" in html
    assert "Comune non trovato" in html
    assert "non presente nella classificazione" in html
    assert not Employer.objects.exists() or Employer.objects.count() == 1


def test_only_operators_of_the_firms_office_edit(client, world):
    firm = world["firm_a"]
    client.force_login(world["operator_b"])
    assert client.get(f"{LIST}{firm.pk}/").status_code == 200
    assert not client.get(f"{LIST}{firm.pk}/").context["can_edit"]
    assert client.get(f"{LIST}{firm.pk}/modifica/").status_code == 403
    assert client.post(f"{LIST}{firm.pk}/stato/", {"active": "0"}).status_code == 403
    regional = UserFactory(regional=True)
    client.force_login(regional)
    assert client.get(f"{LIST}{firm.pk}/modifica/").status_code == 200


def test_edit_consent_sites_and_users(client, world, mailoutbox):
    firm = world["firm_a"]
    client.force_login(world["operator_a"])
    response = client.post(
        f"{LIST}{firm.pk}/modifica/",
        {"fiscal_code": "ignored", "name": "Vesuvio Soft S.r.l.", "municipality": "Napoli (NA)",
         "ateco_edition": "2025"},
    )  # fmt: skip
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.name == "Vesuvio Soft S.r.l."
    client.post(f"{LIST}{firm.pk}/consenso/", {"given": "1"})
    firm.refresh_from_db()
    assert firm.directory_consent
    client.post(f"{LIST}{firm.pk}/sedi/nuova/", {"name": "Magazzino", "municipality": "F839"})
    site = firm.sites.get()
    client.post(
        f"{LIST}{firm.pk}/sedi/{site.pk}/",
        {"name": "Magazzino centrale", "municipality": "F839"},
    )
    site.refresh_from_db()
    assert site.name == "Magazzino centrale" and not site.is_active
    response = client.post(
        f"{LIST}{firm.pk}/utenti/nuovo/",
        {
            "email": "hr@vesuvio.example.it",
            "first_name": "Ida",
            "last_name": "Russo",
            "role": "admin",
        },
    )
    assert response.status_code == 302
    membership = EmployerMembership.objects.get(employer=firm)
    assert membership.user.kind == "employer"
    client.post(f"{LIST}{firm.pk}/stato/", {"active": "0"})
    firm.refresh_from_db()
    assert not firm.is_active


def test_navigation_shows_employers_to_operators(client, world):
    client.force_login(world["operator_a"])
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{LIST}"' in html
