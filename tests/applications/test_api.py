"""Applications API: operators scoped and able to move applications; citizens read their own."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sil.applications.actions import do_apply
from sil.applications.models import ApplicationState
from sil.core.models import AccessLog
from tests.applications.factories import VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def apps(world):
    return {
        "a": do_apply(world["a"], world["vacancy"], by=world["citizen_a"]),
        "b": do_apply(world["b"], VacancyFactory(office=world["cpi_b"]), by=world["citizen_b"]),
    }


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_operator_lists_only_their_offices(world, apps):
    response = client_for(world["operator_a"]).get("/api/v1/applications/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [apps["a"].pk]
    row = response.json()["results"][0]
    assert row["state"] == "submitted"
    assert row["events"][0]["state_after"] == "submitted"
    assert "in_selection" in row["allowed_states"]
    assert AccessLog.objects.filter(action="api_list", object_id=str(apps["a"].pk)).exists()
    assert (
        client_for(world["operator_a"]).get(f"/api/v1/applications/{apps['b'].pk}/").status_code
        == 404
    )


def test_operator_moves_an_application(world, apps):
    url = f"/api/v1/applications/{apps['a'].pk}/transition/"
    api = client_for(world["operator_a"])
    response = api.post(url, {"state": "in_selection", "note": "ok"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_selection"
    response = api.post(url, {"state": "viewed"}, format="json")
    assert response.status_code == 400
    assert "non può diventare" in response.json()["state"][0]


def test_citizens_cannot_use_the_operator_api(world, apps):
    assert client_for(world["citizen_a"]).get("/api/v1/applications/").status_code == 403


def test_citizen_reads_only_their_own(world, apps):
    api = client_for(world["citizen_a"])
    response = api.get("/api/v1/me/applications/")
    assert [row["id"] for row in response.json()["results"]] == [apps["a"].pk]
    assert response.json()["results"][0]["allowed_states"] == [ApplicationState.WITHDRAWN]
    assert api.get(f"/api/v1/me/applications/{apps['b'].pk}/").status_code == 404
    assert api.post(f"/api/v1/me/applications/{apps['a'].pk}/", {}).status_code == 405
    assert client_for(world["operator_a"]).get("/api/v1/me/applications/").status_code == 403
