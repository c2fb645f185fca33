import pytest
from rest_framework.test import APIClient

from sil.vacancies.models import Vacancy, VacancyState
from tests.vacancies.factories import ProfessionFactory, VacancyFactory, contract_type

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_operator_crud_and_publish_with_confirmation(world):
    client = _client(world["operator_a"])
    profession = ProfessionFactory()
    response = client.post(
        "/api/v1/vacancies/",
        {
            "employer": world["firm_a"].pk,
            "title": "Autista patente C (m/f)",
            "description": "Consegne, solo uomini.",
            "profession": profession.pk,
            "municipality": world["naples"].pk,
            "contract_type": contract_type().pk,
            "driving_licences": ["C", "CQC"],
            "languages": [{"language": "en", "level": "B1", "required": False}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == "draft"
    assert response.json()["languages"] == [{"language": "en", "level": "B1", "required": False}]
    response = client.post(f"/api/v1/vacancies/{pk}/publish/", {}, format="json")
    assert response.status_code == 409
    assert {w["code"] for w in response.json()["warnings"]} >= {"sex", "pay_missing"}
    response = client.post(
        f"/api/v1/vacancies/{pk}/publish/", {"confirm_warnings": True}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "reason_required"
    response = client.post(
        f"/api/v1/vacancies/{pk}/publish/",
        {"confirm_warnings": True, "reason": "Rettificato"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "published"
    response = client.patch(f"/api/v1/vacancies/{pk}/", {"title": "Altro"}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    response = client.patch(f"/api/v1/vacancies/{pk}/", {"posts": 3}, format="json")
    assert response.status_code == 200 and response.json()["posts"] == 3
    response = client.post(
        f"/api/v1/vacancies/{pk}/close/", {"note": "posti coperti"}, format="json"
    )
    assert response.json()["state"] == "closed"
    response = client.post(f"/api/v1/vacancies/{pk}/cancel/", {}, format="json")
    assert response.status_code == 400
    assert "non consentita" in response.json()["non_field_errors"][0]


def test_operator_of_another_office_cannot_change(world):
    vacancy = VacancyFactory(employer=world["firm_a"], office=world["cpi_a"])
    client = _client(world["operator_b"])
    assert client.get(f"/api/v1/vacancies/{vacancy.pk}/").status_code == 200
    assert (
        client.post(f"/api/v1/vacancies/{vacancy.pk}/publish/", {}, format="json").status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/vacancies/{vacancy.pk}/", {"posts": 2}, format="json").status_code
        == 403
    )


def test_employer_user_scope(world):
    own = VacancyFactory(employer=world["firm_a"])
    other = VacancyFactory(employer=world["firm_b"])
    client = _client(world["boss_a"])
    ids = [row["id"] for row in client.get("/api/v1/vacancies/").json()["results"]]
    assert ids == [own.pk]
    assert client.get(f"/api/v1/vacancies/{other.pk}/").status_code == 404
    response = client.post(f"/api/v1/vacancies/{own.pk}/publish/", {}, format="json")
    assert response.status_code == 400  # the state machine: not for employers
    assert (
        client.post(f"/api/v1/vacancies/{own.pk}/submit/", {}, format="json").json()["state"]
        == "review"
    )
    response = client.post(
        "/api/v1/vacancies/",
        {
            "employer": world["firm_b"].pk,
            "title": "x",
            "description": "y",
            "profession": own.profession_id,
            "municipality": world["naples"].pk,
        },
        format="json",
    )
    assert response.status_code == 403
    response = client.post(
        "/api/v1/vacancies/",
        {
            "title": "Commesso/a",
            "description": "Vendita",
            "profession": own.profession_id,
            "municipality": world["naples"].pk,
            "office": world["cpi_b"].pk,
        },
        format="json",
    )
    assert response.status_code == 201
    created = Vacancy.objects.get(pk=response.json()["id"])
    assert (created.employer, created.office) == (world["firm_a"], world["cpi_a"])


def test_citizens_and_anonymous_get_no_vacancies_api(world):
    from tests.factories import UserFactory

    assert _client(UserFactory(citizen=True)).get("/api/v1/vacancies/").status_code == 403
    assert _client().get("/api/v1/vacancies/").status_code in (401, 403)


def test_public_jobs_endpoint(world):
    published = VacancyFactory(
        published=True, employer=world["firm_a"], title="Cuoco/a", municipality=world["naples"]
    )
    VacancyFactory(
        employer=world["firm_a"], state=VacancyState.REVIEW, title="Cuoco/a in revisione"
    )
    client = _client()
    rows = client.get("/api/v1/jobs/").json()["results"]
    assert [row["id"] for row in rows] == [published.pk]
    assert rows[0]["employer_name"] == "Alfa S.r.l." and "created_by" not in rows[0]
    assert client.get("/api/v1/jobs/", {"q": "cuochi"}).json()["count"] == 1
    assert (
        client.get("/api/v1/jobs/", {"municipality": "065116", "radius_km": "10"}).json()["count"]
        == 0
    )
    assert (
        client.get("/api/v1/jobs/", {"municipality": "065116", "radius_km": "60"}).json()["count"]
        == 1
    )
    assert client.get("/api/v1/jobs/", {"municipality": "999999"}).json()["count"] == 0
