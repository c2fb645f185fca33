"""The public job board: filters (text, profession prefix, radius, contract, hours), only
published and unexpired vacancies, query counts, JSON-LD, canonical URLs and sitemap."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from sil.vacancies.models import VacancyState
from sil.vacancies.public_views import canonical_path
from tests.factories import MunicipalityFactory
from tests.vacancies.factories import ProfessionFactory, VacancyFactory, contract_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(world):
    today = dt.date.today()
    # Pompei is ~24 km from Napoli and ~30 km from Salerno; Roma is far from all.
    pompei = MunicipalityFactory(name="Pompei", latitude=40.7462, longitude=14.4989)
    rome = MunicipalityFactory(rome=True, latitude=41.8933, longitude=12.4829)
    waiter = ProfessionFactory(code="5.2.2.3.0", name="Camerieri e professioni assimilate")
    cook = ProfessionFactory(code="5.2.2.1.0", name="Cuochi in alberghi e ristoranti")
    welder = ProfessionFactory(code="6.2.1.2.0", name="Saldatori e tagliatori a fiamma")
    fixed = contract_type("A.02.00")
    firm = world["firm_a"]
    rows = {
        "waiter_naples": VacancyFactory(
            published=True,
            employer=firm,
            title="Cameriere/a di sala",
            description="Servizio ai tavoli in trattoria.",
            profession=waiter,
            municipality=world["naples"],
        ),
        "cook_pompei": VacancyFactory(
            published=True,
            employer=firm,
            title="Cuoco/a",
            description="Cucina tradizionale, menù di pesce e pizzeria.",
            profession=cook,
            municipality=pompei,
            working_time="part",
            contract_type=fixed,
        ),
        "welder_salerno": VacancyFactory(
            published=True,
            employer=firm,
            title="Saldatore/trice TIG",
            description="Saldatura di carpenteria metallica in officina.",
            profession=welder,
            municipality=world["salerno"],
        ),
        "waiter_rome": VacancyFactory(
            published=True,
            employer=firm,
            title="Cameriere/a ai piani",
            description="Hotel nel centro città.",
            profession=waiter,
            municipality=rome,
        ),
        # Never on the board:
        "draft": VacancyFactory(
            employer=firm,
            title="Cameriere/a bozza",
            profession=waiter,
            municipality=world["naples"],
        ),
        "closed": VacancyFactory(
            employer=firm,
            state=VacancyState.CLOSED,
            publication_date=today,
            title="Cameriere/a chiusa",
            profession=waiter,
            municipality=world["naples"],
        ),
        "expired_by_date": VacancyFactory(
            published=True,
            employer=firm,
            publication_date=today - dt.timedelta(days=10),
            expiry_date=today - dt.timedelta(days=1),
            title="Cameriere/a scaduta",
            profession=waiter,
            municipality=world["naples"],
        ),
    }
    return rows


def _titles(client, **params):
    response = client.get(reverse("jobs:search"), params)
    assert response.status_code == 200
    return {v.title for v in response.context["page"].object_list}


def test_only_published_unexpired(client, board):
    assert _titles(client) == {
        "Cameriere/a di sala",
        "Cuoco/a",
        "Saldatore/trice TIG",
        "Cameriere/a ai piani",
    }


def test_text_search_italian_stemming_and_accents(client, board):
    assert _titles(client, q="camerieri") == {"Cameriere/a di sala", "Cameriere/a ai piani"}
    assert _titles(client, q="saldatura") == {"Saldatore/trice TIG"}
    assert _titles(client, q="citta") == {"Cameriere/a ai piani"}  # città, without the accent
    assert _titles(client, q="menu pesce") == {"Cuoco/a"}
    # The profession's name counts too: "alberghi" is only in the CP name of the cook.
    assert _titles(client, q="alberghi") == {"Cuoco/a"}


def test_profession_prefix(client, board):
    assert _titles(client, professione="5.2.2") == {
        "Cameriere/a di sala",
        "Cuoco/a",
        "Cameriere/a ai piani",
    }
    assert _titles(client, professione="5.2.2.3.0") == {
        "Cameriere/a di sala",
        "Cameriere/a ai piani",
    }
    assert _titles(client, professione="6") == {"Saldatore/trice TIG"}


def test_municipality_and_radius(client, board):
    assert _titles(client, comune="Napoli") == {"Cameriere/a di sala"}
    assert _titles(client, comune="napoli", raggio="10") == {"Cameriere/a di sala"}
    assert _titles(client, comune="Napoli", raggio="25") == {"Cameriere/a di sala", "Cuoco/a"}
    assert _titles(client, comune="Napoli", raggio="50") == {
        "Cameriere/a di sala",
        "Cuoco/a",
        "Saldatore/trice TIG",
    }
    assert _titles(client, comune="Pompei", raggio="10") == {"Cuoco/a"}
    response = client.get(reverse("jobs:search"), {"comune": "Atlantide"})
    assert "Comune non trovato" in response.content.decode()


def test_contract_and_hours(client, board):
    fixed = contract_type("A.02.00")
    assert _titles(client, contratto=fixed.pk) == {"Cuoco/a"}
    assert _titles(client, orario="part") == {"Cuoco/a"}
    assert _titles(client, q="cameriere", comune="Napoli", raggio="50", orario="full") == {
        "Cameriere/a di sala"
    }


def test_board_query_count(client, board, django_assert_num_queries):
    client.get(reverse("jobs:search"))
    with django_assert_num_queries(3):  # contract types for the form, count, page
        client.get(reverse("jobs:search"))
    for _ in range(5):
        VacancyFactory(published=True, employer=board["draft"].employer)
    with django_assert_num_queries(3):
        client.get(reverse("jobs:search"))
    search = {"q": "cameriere", "comune": "Napoli", "raggio": "25"}
    client.get(reverse("jobs:search"), search)  # loads the CP names kept in memory
    # + the comune, the radius box, the same-province comuni without coordinates.
    with django_assert_num_queries(6):
        client.get(reverse("jobs:search"), search)


def test_detail_json_ld_canonical_and_redirect(client, board):
    vacancy = board["cook_pompei"]
    response = client.get(reverse("jobs:vacancy_detail", args=[vacancy.pk]))
    assert response.status_code == 301
    assert (
        response["Location"]
        == canonical_path(vacancy)
        == f"/offerte-di-lavoro/{vacancy.pk}/cuocoa-pompei/"
    )
    page = client.get(response["Location"]).content.decode()
    assert f'<link rel="canonical" href="http://testserver{canonical_path(vacancy)}">' in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Cuoco/a"
    assert data["employmentType"] == "PART_TIME"
    assert data["jobLocation"]["address"]["addressLocality"] == "Pompei"
    assert data["baseSalary"]["value"]["minValue"] == 22000.0
    assert data["validThrough"].startswith(vacancy.expiry_date.isoformat())


def test_json_ld_cannot_break_out_of_its_script(client, board):
    vacancy = board["welder_salerno"]
    vacancy.description = "</script><script>alert(1)</script>"
    vacancy.save()
    page = client.get(canonical_path(vacancy)).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(block)["description"] == "</script><script>alert(1)</script>"


def test_unpublished_pages_are_not_found(client, board):
    for key in ("draft", "closed", "expired_by_date"):
        assert client.get(reverse("jobs:vacancy_detail", args=[board[key].pk])).status_code == 404


def test_sitemap_lists_the_board(client, board):
    response = client.get(reverse("jobs:sitemap"))
    assert response.status_code == 200
    body = response.content.decode()
    assert canonical_path(board["waiter_naples"]) in body
    assert f"/offerte-di-lavoro/{board['draft'].pk}/" not in body
    assert body.count("<url>") == 4


def test_filtered_pages_are_noindex(client, board):
    assert 'name="robots"' not in client.get(reverse("jobs:search")).content.decode()
    assert (
        'content="noindex, follow"'
        in client.get(reverse("jobs:search"), {"q": "cuoco"}).content.decode()
    )
