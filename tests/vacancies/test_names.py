"""Vacancy texts refuse control and bidirectional characters: pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sil.vacancies.models import Vacancy
from tests.vacancies.factories import ProfessionFactory, VacancyFactory, contract_type
from tests.vacancies.test_views import _post_data

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def test_the_form_refuses_a_bidi_override_in_the_title(client, world):
    client.force_login(world["operator_a"])
    url = reverse("vacancies:vacancy_create") + f"?employer={world['firm_a'].pk}"
    data = _post_data(world, ProfessionFactory(), employer=world["firm_a"].pk)
    response = client.post(url, {**data, "title": "Autista" + RLO + "fdp.exe"})
    assert response.status_code == 200
    assert "direzione della scrittura" in response.content.decode()
    response = client.post(url, {**data, "description": "Turni\x07 di notte"})
    assert response.status_code == 200
    assert "carattere di controllo non ammesso" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_the_api_refuses_bad_texts_and_keeps_lines(world):
    api = APIClient()
    api.force_authenticate(world["operator_a"])
    payload = {
        "employer": world["firm_a"].pk,
        "title": "Autista\u2067",
        "description": "Consegne.\nTurni.",
        "profession": ProfessionFactory().pk,
        "municipality": world["naples"].pk,
        "contract_type": contract_type().pk,
    }
    response = api.post("/api/v1/vacancies/", payload, format="json")
    assert response.status_code == 400 and "title" in response.json()
    response = api.post("/api/v1/vacancies/", {**payload, "title": "Autista"}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert Vacancy.objects.get(pk=pk).description == "Consegne.\nTurni."
    patched = api.patch(f"/api/v1/vacancies/{pk}/", {"how_to_apply": "\x1b[31m"}, format="json")
    assert patched.status_code == 400 and "how_to_apply" in patched.json()
    note = api.post(f"/api/v1/vacancies/{pk}/cancel/", {"note": "doppione" + RLO}, format="json")
    assert note.status_code == 400 and "note" in note.json()
    assert Vacancy.objects.get(pk=pk).state == "draft"


def test_a_transition_note_on_the_page_is_checked_too(client, world):
    vacancy = VacancyFactory(employer=world["firm_a"], office=world["cpi_a"])
    client.force_login(world["regional"])
    url = reverse("vacancies:vacancy_transition", args=[vacancy.pk, "cancel"])
    response = client.post(url, {"note": "doppione\u202e"})
    assert response.status_code == 200
    assert "direzione della scrittura" in response.content.decode()
    vacancy.refresh_from_db()
    assert vacancy.state == "draft"
