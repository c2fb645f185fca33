"""Employer names and texts refuse control and bidirectional characters: pages and API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sil.employers.codes import make_vat_number
from sil.employers.models import Employer
from tests.employers.test_views import LIST
from tests.employers.test_views import world as employer_world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

API = "/api/v1/employers/"
RLO = "\u202e"


def test_the_edit_page_refuses_a_bidi_override_in_the_name(client, employer_world):  # noqa: F811
    firm = employer_world["firm_a"]
    client.force_login(employer_world["operator_a"])
    response = client.post(
        f"{LIST}{firm.pk}/modifica/",
        {"fiscal_code": "ignored", "name": "Vesuvio" + RLO + "fdp.exe",
         "municipality": "Napoli (NA)", "ateco_edition": "2025"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "direzione della scrittura" in response.content.decode()
    firm.refresh_from_db()
    assert firm.name == "Vesuvio Software S.r.l."


def test_the_site_page_refuses_a_control_character(client, employer_world):  # noqa: F811
    firm = employer_world["firm_a"]
    client.force_login(employer_world["operator_a"])
    response = client.post(
        f"{LIST}{firm.pk}/sedi/nuova/", {"name": "Magaz\x1bzino", "municipality": "F839"}
    )
    assert response.status_code == 200
    assert "carattere di controllo non ammesso" in response.content.decode()
    assert not firm.sites.exists()


def test_the_api_refuses_names_and_keeps_lines_in_the_description(employer_world):  # noqa: F811
    api = APIClient()
    api.force_authenticate(employer_world["operator_a"])
    firm = employer_world["firm_a"]
    code = make_vat_number(2345678, 63)
    bad = api.post(
        API,
        {
            "fiscal_code": code,
            "name": "Nuova\u2066 S.r.l.",
            "municipality": employer_world["naples"].pk,
        },
    )
    assert bad.status_code == 400 and "name" in bad.json()
    assert not Employer.objects.filter(fiscal_code=code).exists()
    patched = api.patch(f"{API}{firm.pk}/", {"description": "Chi siamo\x00"}, format="json")
    assert patched.status_code == 400 and "description" in patched.json()
    patched = api.patch(f"{API}{firm.pk}/", {"description": "Chi siamo\u202e"}, format="json")
    assert patched.status_code == 400 and "description" in patched.json()
    lines = "Chi siamo.\n\nCosa facciamo."
    patched = api.patch(f"{API}{firm.pk}/", {"description": lines}, format="json")
    assert patched.status_code == 200, patched.json()
    firm.refresh_from_db()
    assert firm.description == lines
    site = api.post(
        f"{API}{firm.pk}/sites/", {"name": "Sede\x7f", "municipality": employer_world["naples"].pk}
    )
    assert site.status_code == 400 and "name" in site.json()
