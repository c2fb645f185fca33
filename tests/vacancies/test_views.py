"""Operator and employer pages: permissions, the editor, the quality check on the page."""

import datetime as dt

import pytest
from django.urls import reverse

from sil.vacancies import actions
from sil.vacancies.models import Vacancy, VacancyState
from tests.vacancies.factories import (
    ProfessionFactory,
    VacancyFactory,
    contract_type,
    language_level,
)

pytestmark = pytest.mark.django_db


def _login_employer(client, user):
    client.force_login(user)
    session = client.session
    session["sil_mfa_ok"] = True
    session.save()


def _post_data(world, profession, **extra):
    data = {
        "title": "Magazziniere/a",
        "description": "Carico e scarico merci con transpallet.",
        "profession": profession.pk,
        "municipality": world["naples"].pk,
        "contract_type": contract_type().pk,
        "working_time": "full",
        "posts": "2",
        "pay_min": "21000",
        "experience_months": "12",
        "expiry_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        "driving_licences": ["B"],
        "languages-TOTAL_FORMS": "1",
        "languages-INITIAL_FORMS": "0",
        "languages-MIN_NUM_FORMS": "0",
        "languages-MAX_NUM_FORMS": "10",
        "languages-0-language": "en",
        "languages-0-level": language_level("A2").pk,
    }
    data.update(extra)
    return data


def test_operator_creates_and_publishes_with_the_quality_check(client, world):
    profession = ProfessionFactory()
    client.force_login(world["operator_a"])
    url = reverse("vacancies:vacancy_create") + f"?employer={world['firm_a'].pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _post_data(
            world,
            profession,
            employer=world["firm_a"].pk,
            description="Cerchiamo ragazzi giovani, bella presenza.",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vacancy = Vacancy.objects.get()
    assert (vacancy.employer, vacancy.office, vacancy.driving_licences) == (
        world["firm_a"],
        world["cpi_a"],
        ["B"],
    )
    assert vacancy.languages.get().language == "en"
    page = client.get(reverse("vacancies:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert "Possibili requisiti discriminatori" in page
    assert "«bella presenza»" in page
    publish = reverse("vacancies:vacancy_transition", args=[vacancy.pk, "publish"])
    response = client.post(publish, {})
    assert response.status_code == 200
    assert "confermare per pubblicare" in response.content.decode()
    response = client.post(publish, {"confirm": "on"})
    assert "Indicare perché" in response.content.decode()
    vacancy.refresh_from_db()
    assert vacancy.state == VacancyState.DRAFT
    response = client.post(publish, {"confirm": "on", "reason": "Testo verificato con l'impresa"})
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.state == VacancyState.PUBLISHED
    assert vacancy.quality_reason == "Testo verificato con l'impresa"


def test_editor_search_endpoint(client, world):
    ProfessionFactory(code="5.2.2.3.0", name="Camerieri e professioni assimilate")
    client.force_login(world["operator_a"])
    url = reverse("vacancies:search_options", args=["profession"])
    page = client.get(url, {"profession_search": "camer"}).content.decode()
    assert "5.2.2.3.0 Camerieri" in page
    page = client.get(
        reverse("vacancies:search_options", args=["municipality"]), {"municipality_search": "saler"}
    ).content.decode()
    assert "Salerno" in page
    assert (
        client.get(reverse("vacancies:search_options", args=["nothing"]), {"q": "ab"}).status_code
        == 404
    )


def test_operator_of_another_office_reads_but_cannot_change(client, world):
    vacancy = VacancyFactory(employer=world["firm_a"], office=world["cpi_a"])
    client.force_login(world["operator_b"])
    page = client.get(reverse("vacancies:vacancy_detail", args=[vacancy.pk]))
    assert page.status_code == 200
    assert "Pubblica" not in page.content.decode()
    assert client.get(reverse("vacancies:vacancy_edit", args=[vacancy.pk])).status_code == 403
    response = client.post(
        reverse("vacancies:vacancy_transition", args=[vacancy.pk, "publish"]), {}
    )
    assert response.status_code == 403
    client.force_login(world["regional"])
    response = client.post(
        reverse("vacancies:vacancy_transition", args=[vacancy.pk, "cancel"]), {"note": "doppione"}
    )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.state == VacancyState.CANCELLED


def test_operator_pages_refuse_others(client, world):
    vacancy = VacancyFactory(employer=world["firm_a"])
    for user in (world["boss_a"],):
        client.force_login(user)
        assert client.get(reverse("vacancies:vacancy_list")).status_code == 403
        assert client.get(reverse("vacancies:vacancy_detail", args=[vacancy.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("vacancies:vacancy_list")).status_code == 302


def test_operator_list_filters_and_query_count(client, world, django_assert_num_queries):
    for i in range(6):
        VacancyFactory(
            employer=world["firm_a"] if i % 2 else world["firm_b"],
            office=world["cpi_a"] if i % 2 else world["cpi_b"],
            published=bool(i % 3),
            profession=ProfessionFactory(code=f"5.1.{i}.1.0"),
        )
    client.force_login(world["operator_a"])
    url = reverse("vacancies:vacancy_list")
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.context["page"].paginator.count == 6
    for i in range(6):  # more rows, same queries
        VacancyFactory(employer=world["firm_a"], profession=ProfessionFactory(code=f"6.1.{i}.1.0"))
    with django_assert_num_queries(9):
        client.get(url, {"page": 1})
    for params, count in [
        ({"state": "published"}, 4),
        ({"state": "draft"}, 8),
        ({"q": "Beta"}, 3),
        ({"q": "alfa"}, 9),
        ({"office": world["cpi_b"].pk}, 3),
        ({"profession": "5.1.2"}, 1),
        ({"profession": "5.1"}, 6),
        ({"profession": "6"}, 6),
        ({"employer": world["firm_a"].pk}, 9),
    ]:
        assert client.get(url, params).context["page"].paginator.count == count, params


def test_employer_area_sees_only_its_own_and_cannot_publish(client, world):
    own = VacancyFactory(employer=world["firm_a"], title="Nostra offerta")
    other = VacancyFactory(employer=world["firm_b"], title="Offerta altrui")
    _login_employer(client, world["boss_a"])
    page = client.get(reverse("employer_vacancies:vacancy_list")).content.decode()
    assert "Nostra offerta" in page and "Offerta altrui" not in page
    assert (
        client.get(reverse("employer_vacancies:vacancy_detail", args=[other.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("employer_vacancies:vacancy_transition", args=[other.pk, "submit"])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("employer_vacancies:vacancy_transition", args=[own.pk, "publish"])
        ).status_code
        == 404
    )
    response = client.post(
        reverse("employer_vacancies:vacancy_transition", args=[own.pk, "submit"])
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.state == VacancyState.REVIEW
    # Under review the draft is no longer editable by the firm.
    response = client.get(reverse("employer_vacancies:vacancy_edit", args=[own.pk]))
    assert response.status_code == 302
    assert client.get(reverse("vacancies:vacancy_list")).status_code == 403


def test_employer_creates_a_draft(client, world):
    profession = ProfessionFactory()
    _login_employer(client, world["boss_b"])
    url = reverse("employer_vacancies:vacancy_create")
    page = client.get(url).content.decode()
    assert "id_office" not in page and "id_employer" not in page
    response = client.post(
        url, _post_data(world, profession, title="Cameriere/a", office=world["cpi_b"].pk)
    )
    assert response.status_code == 302
    vacancy = Vacancy.objects.get()
    assert vacancy.employer == world["firm_b"]
    assert vacancy.office == world["cpi_a"]  # the CPI of the workplace, not one the firm chose
    assert vacancy.state == VacancyState.DRAFT
    search = reverse("employer_vacancies:search_options", args=["employer"])
    assert client.get(search, {"q": "Alfa"}).status_code == 404


def test_operator_detail_links_and_history(client, world):
    vacancy = VacancyFactory(employer=world["firm_a"])
    actions.do_publish(vacancy, world["operator_a"])
    client.force_login(world["operator_a"])
    page = client.get(reverse("vacancies:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert reverse("jobs:vacancy_detail", args=[vacancy.pk]) in page
    assert "Bozza → Pubblicata".lower() in page.lower()
    assert "Chiudi l" in page and "Invia in revisione" not in page
