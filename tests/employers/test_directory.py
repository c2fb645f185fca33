"""The public business directory: only consenting firms, search, SEO, no personal codes."""

from __future__ import annotations

import pytest

from tests.employers.factories import EmployerFactory, EmployerSiteFactory, ateco
from tests.factories import CompetenceFactory, MunicipalityFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "/elenco-imprese/"


def names(response):
    return [e.name for e in response.context["page"].object_list]


def test_only_consenting_active_firms_are_listed(client):
    EmployerFactory(name="Pubblica S.r.l.", listed=True)
    EmployerFactory(name="Riservata S.r.l.")
    EmployerFactory(name="Chiusa S.r.l.", listed=True, ceased=True)
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert names(response) == ["Pubblica S.r.l."]
    assert "Cache-Control" not in response or "no-store" not in response["Cache-Control"]


def test_detail_of_unlisted_firm_is_404(client):
    hidden = EmployerFactory(name="Riservata")
    assert client.get(f"{DIRECTORY}{hidden.pk}/").status_code == 404


def test_search_by_name_section_and_province(client):
    salerno = MunicipalityFactory(salerno=True)
    CompetenceFactory(municipality=salerno)
    activity = ateco("56.11.11", section="I")
    EmployerFactory(name="Trattoria Amalfi", listed=True, municipality=salerno,
                    economic_activity=activity, ateco_section="I")  # fmt: skip
    EmployerFactory(name="Vesuvio Software", listed=True, ateco_section="K")
    assert names(client.get(DIRECTORY, {"q": "amalfi"})) == ["Trattoria Amalfi"]
    assert names(client.get(DIRECTORY, {"section": "I"})) == ["Trattoria Amalfi"]
    assert names(client.get(DIRECTORY, {"province": "SA"})) == ["Trattoria Amalfi"]
    assert client.get(DIRECTORY, {"province": "SA"}).context["form"].is_valid()


def test_detail_is_indexable_with_canonical_slug_and_no_personal_code(client):
    trader = EmployerFactory(
        sole_trader=True, name="Mario Rossi Idraulico", listed=True, description="Impianti."
    )
    EmployerSiteFactory(employer=trader, name="Laboratorio")
    response = client.get(f"{DIRECTORY}{trader.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"{DIRECTORY}{trader.pk}/mario-rossi-idraulico/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<title>Mario Rossi Idraulico" in html
    assert '<meta name="description"' in html and "Impianti." in html
    assert (
        f'rel="canonical" href="http://testserver{DIRECTORY}{trader.pk}/mario-rossi-idraulico/"'
        in html
    )
    assert "Laboratorio" in html
    assert trader.fiscal_code not in html
    assert trader.vat_number in html
    assert "0 offerte aperte" in html


def test_list_is_paginated_with_locked_queries(client, django_assert_num_queries):
    province = ProvinceFactory(naples=True)
    for number in range(25):
        EmployerFactory(name=f"Impresa {number:02d}", listed=True, municipality__province=province)
    with django_assert_num_queries(4):
        response = client.get(DIRECTORY)
    assert len(response.context["page"].object_list) == 20
    assert names(client.get(DIRECTORY, {"page": 2})) == [
        "Impresa 20",
        "Impresa 21",
        "Impresa 22",
        "Impresa 23",
        "Impresa 24",
    ]
