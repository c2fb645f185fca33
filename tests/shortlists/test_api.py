import pytest
from rest_framework.test import APIClient

from sil.core.models import AccessLog
from sil.shortlists.models import Shortlist
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["operator_a"])
    return client


def test_build_contact_send_and_record_outcome(api, world):
    a, ciro, _rosa = world["people"]
    response = api.post(
        "/api/v1/shortlists/",
        {"vacancy": world["vacancy"].pk, "person_ids": [a.pk, ciro.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert [e["person"] for e in body["entries"]] == [a.pk, ciro.pk]
    pk = body["id"]
    entry = body["entries"][0]["id"]

    response = api.post(f"/api/v1/shortlists/{pk}/send/", {}, format="json")
    assert response.status_code == 400
    assert "consenso" in str(response.json())

    response = api.post(
        f"/api/v1/shortlists/{pk}/contact/",
        {"entry": entry, "channel": "email", "consent": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["entries"][0]["consent_to_share"] is True

    response = api.post(f"/api/v1/shortlists/{pk}/send/", {"note": "Urgente"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "sent"

    response = api.post(
        f"/api/v1/shortlists/{pk}/outcome/",
        {"entry": entry, "outcome": "not_selected", "note": ""},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["entries"][0]["outcome"] == "not_selected"

    response = api.get("/api/v1/shortlists/", {"vacancy": world["vacancy"].pk})
    assert [row["id"] for row in response.json()["results"]] == [pk]
    assert response.json()["results"][0]["candidates"] == 2
    assert AccessLog.objects.filter(action="api_list", object_type="people.person").exists()


def test_other_offices_and_non_operators_see_nothing(world, shortlist):
    client = APIClient()
    client.force_authenticate(UserFactory(operator_of=world["cpi_b"]))
    assert client.get(f"/api/v1/shortlists/{shortlist.pk}/").status_code == 404
    assert client.get("/api/v1/shortlists/").json()["results"] == []
    client.force_authenticate(world["employer_user"])
    assert client.get("/api/v1/shortlists/").json()["results"] == []
    response = client.post(
        "/api/v1/shortlists/",
        {"vacancy": world["vacancy"].pk, "person_ids": [world["a"].pk]},
        format="json",
    )
    assert response.status_code == 400
    assert Shortlist.objects.count() == 1


def test_detail_carries_the_candidate_count_as_the_list_does(api, shortlist):
    detail = api.get(f"/api/v1/shortlists/{shortlist.pk}/").json()
    assert detail["candidates"] == shortlist.entries.count() == len(detail["entries"])
