"""The ranked-candidates page and the matching API: permissions, access log, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sil.core.models import AccessLog
from sil.matching.models import MatchResult, MatchRun
from tests.factories import UserFactory


@pytest.fixture
def setup(world):
    vacancy = world.vacancy()
    mine = world.candidate(place=world.pozzuoli, office=world.cpi_a)
    theirs = world.candidate(place=world.naples, office=world.cpi_b, months=6)
    return {
        "world": world,
        "vacancy": vacancy,
        "mine": mine,
        "theirs": theirs,
        "operator": UserFactory(operator_of=world.cpi_a),
    }


def test_ranked_page_lists_region_wide_but_links_only_own_people(client, setup):
    client.force_login(setup["operator"])
    response = client.get(reverse("matching:vacancy_candidates", args=[setup["vacancy"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    mine, theirs = setup["mine"], setup["theirs"]
    assert mine.full_name in html and theirs.full_name in html
    assert reverse("people:person_detail", args=[mine.pk]) in html
    assert reverse("people:person_detail", args=[theirs.pk]) not in html
    assert "13 km da Napoli, entro il raggio di 30 km." in html
    rows = response.context["rows"]
    assert [row["person"].pk for row in rows] == [mine.pk, theirs.pk]
    # Every listed person is in the access log, and the list is kept with its weights.
    logged = set(
        AccessLog.objects.filter(action="list", purpose="matching").values_list(
            "object_id", flat=True
        )
    )
    assert logged == {str(mine.pk), str(theirs.pk)}
    run = MatchRun.objects.get()
    assert run.weights_version == "2026.1" and run.run_by == setup["operator"]
    assert list(MatchResult.objects.values_list("person_ref", flat=True)) == [mine.pk, theirs.pk]


def test_ranked_page_filters(client, setup):
    client.force_login(setup["operator"])
    url = reverse("matching:vacancy_candidates", args=[setup["vacancy"].pk])
    response = client.get(url, {"office": setup["world"].cpi_b.pk, "max_km": 60})
    assert [row["person"].pk for row in response.context["rows"]] == [setup["theirs"].pk]


def test_ranked_page_is_for_operators_only(client, setup):
    client.force_login(UserFactory(citizen=True))
    url = reverse("matching:vacancy_candidates", args=[setup["vacancy"].pk])
    assert client.get(url).status_code == 403


def test_ranked_page_query_count_does_not_grow(client, setup, django_assert_max_num_queries):
    client.force_login(setup["operator"])
    url = reverse("matching:vacancy_candidates", args=[setup["vacancy"].pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(4):
        setup["world"].candidate()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 6


def test_api_candidates_shape_header_and_log(setup):
    api = APIClient()
    api.force_authenticate(setup["operator"])
    response = api.get(f"/api/v1/vacancies/{setup['vacancy'].pk}/candidates/?limit=1")
    assert response.status_code == 200
    assert response["X-Weights-Version"] == "2026.1"
    (item,) = response.json()
    assert set(item) == {"person_id", "score", "criteria"}
    assert item["person_id"] == setup["mine"].pk
    assert set(item["criteria"]["distance"]) == {"score", "weight", "explanation"}
    assert AccessLog.objects.filter(action="api_list", object_id=str(setup["mine"].pk)).exists()


def test_api_refuses_citizens_and_employers(setup):
    api = APIClient()
    for user in (UserFactory(citizen=True), UserFactory(employer=True)):
        api.force_authenticate(user)
        response = api.get(f"/api/v1/vacancies/{setup['vacancy'].pk}/candidates/")
        assert response.status_code == 403


def test_api_person_vacancies_scoped_to_the_operators_offices(setup):
    api = APIClient()
    api.force_authenticate(setup["operator"])
    own = api.get(f"/api/v1/people/{setup['mine'].pk}/vacancies/")
    assert own.status_code == 200
    assert [item["vacancy_id"] for item in own.json()] == [setup["vacancy"].pk]
    other = api.get(f"/api/v1/people/{setup['theirs'].pk}/vacancies/")
    assert other.status_code == 404
    assert AccessLog.objects.filter(action="denied", object_id=str(setup["theirs"].pk)).exists()
