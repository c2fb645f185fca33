import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from sil.vacancies import actions
from sil.vacancies.actions import QualityCheckRequired
from sil.vacancies.machine import VacancyTransitionError
from sil.vacancies.models import Vacancy, VacancyState, VacancyTransition
from sil.vacancies.quality import DEFAULT_OPEN_DAYS
from tests.vacancies.factories import (
    ProfessionFactory,
    VacancyFactory,
    contract_type,
    language_level,
)

pytestmark = pytest.mark.django_db


def _data(world, **extra):
    return {
        "title": "Cameriere/a di sala",
        "description": "Servizio ai tavoli in ristorante sul lungomare.",
        "profession": ProfessionFactory(
            code="5.2.2.3.0", name="Camerieri e professioni assimilate"
        ),
        "municipality": world["naples"],
        "contract_type": contract_type("A.02.00"),
        "pay_min": Decimal("18000"),
        "expiry_date": dt.date.today() + dt.timedelta(days=40),
        **extra,
    }


def test_create_a_draft_with_office_of_the_workplace(world):
    vacancy = actions.do_create_vacancy(
        world["firm_b"],
        _data(world, driving_licences=["b", " c "]),
        languages=[{"language": "EN", "level": language_level("B1"), "required": True}],
        by=world["boss_b"],
    )
    assert vacancy.state == VacancyState.DRAFT
    assert vacancy.office == world["cpi_a"]  # workplace in Napoli, firm in Salerno
    assert vacancy.driving_licences == ["B", "C"]
    assert vacancy.created_by == world["boss_b"]
    assert [(x.language, x.level.code, x.required) for x in vacancy.languages.all()] == [
        ("en", "B1", True)
    ]
    step = VacancyTransition.objects.get(vacancy=vacancy)
    assert (step.state_before, step.state_after, step.actor, step.by) == (
        "",
        "draft",
        "employer",
        world["boss_b"],
    )


def test_create_refuses_bad_data(world):
    with pytest.raises(ValidationError) as error:
        actions.do_create_vacancy(world["firm_a"], _data(world, driving_licences=["Z9"]))
    assert "driving_licences" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.do_create_vacancy(
            world["firm_a"], _data(world, pay_min=Decimal(30000), pay_max=Decimal(20000))
        )
    assert not Vacancy.objects.exists()
    with pytest.raises(ValidationError):
        actions.do_create_vacancy(world["firm_a"], _data(world, state="published"))
    with pytest.raises(ValidationError):
        actions.do_create_vacancy(
            world["firm_a"],
            _data(world),
            languages=[
                {"language": "en", "level": language_level()},
                {"language": "EN", "level": language_level()},
            ],
        )
    assert not Vacancy.objects.exists()


def test_update_rules_by_state_and_actor(world):
    vacancy = actions.do_create_vacancy(world["firm_a"], _data(world), by=world["boss_a"])
    actions.do_update_vacancy(vacancy, {"title": "Cameriere/a esperto/a"}, by=world["boss_a"])
    assert vacancy.title == "Cameriere/a esperto/a"
    actions.do_submit_for_review(vacancy, world["boss_a"])
    with pytest.raises(VacancyTransitionError):  # the employer waits for the review
        actions.do_update_vacancy(vacancy, {"title": "Altro"}, by=world["boss_a"])
    actions.do_update_vacancy(
        vacancy, {"title": "Cameriere/a di sala (m/f)"}, by=world["operator_a"]
    )
    actions.do_publish(vacancy, world["operator_a"])
    with pytest.raises(ValidationError) as error:
        actions.do_update_vacancy(
            vacancy, {"description": "Tutt'altro lavoro"}, by=world["operator_a"]
        )
    assert "description" in error.value.message_dict
    actions.do_update_vacancy(vacancy, {"posts": 3, "title": vacancy.title}, by=world["operator_a"])
    vacancy.refresh_from_db()
    assert vacancy.posts == 3
    with pytest.raises(VacancyTransitionError):
        actions.do_update_vacancy(vacancy, {}, languages=[], by=world["operator_a"])
    actions.do_close(vacancy, world["operator_a"])
    with pytest.raises(VacancyTransitionError):
        actions.do_update_vacancy(vacancy, {"posts": 4}, by=world["operator_a"])


def test_publish_clean_vacancy(world):
    vacancy = VacancyFactory(employer=world["firm_a"], expiry_date=None)
    today = dt.date(2025, 5, 2)
    actions.do_publish(vacancy, world["operator_a"], today=today)
    vacancy.refresh_from_db()
    assert vacancy.state == VacancyState.PUBLISHED
    assert vacancy.publication_date == today
    assert vacancy.expiry_date == today + dt.timedelta(days=DEFAULT_OPEN_DAYS)
    assert [w["code"] for w in vacancy.quality_warnings] == ["expiry_missing"]
    assert vacancy.quality_confirmed_by is None  # advice needs no confirmation


def test_publish_with_warnings_needs_confirmation_and_reason(world):
    vacancy = VacancyFactory(
        employer=world["firm_a"], discriminatory=True, pay_min=None, pay_max=None
    )
    with pytest.raises(QualityCheckRequired) as error:
        actions.do_publish(vacancy, world["operator_a"])
    assert error.value.code == "confirmation_required"
    codes = {w.code for w in error.value.warnings}
    assert {"age", "sex", "appearance", "nationality", "pay_missing"} <= codes
    vacancy.refresh_from_db()
    assert vacancy.state == VacancyState.DRAFT
    assert {w["code"] for w in vacancy.quality_warnings} == codes  # kept for the page
    with pytest.raises(QualityCheckRequired) as error:
        actions.do_publish(vacancy, world["operator_a"], confirm=True)
    assert error.value.code == "reason_required"
    actions.do_publish(
        vacancy, world["operator_a"], confirm=True, reason="Verificato con l'impresa"
    )
    vacancy.refresh_from_db()
    assert vacancy.state == VacancyState.PUBLISHED
    assert vacancy.quality_confirmed_by == world["operator_a"]
    assert vacancy.quality_confirmed_at is not None
    assert vacancy.quality_reason == "Verificato con l'impresa"
    step = vacancy.transitions.get(state_after="published")
    assert step.note == "Verificato con l'impresa"
    assert {w["code"] for w in step.warnings} == codes


def test_missing_information_needs_confirmation_but_no_reason(world):
    vacancy = VacancyFactory(employer=world["firm_a"], contract_type=None)
    with pytest.raises(QualityCheckRequired):
        actions.do_publish(vacancy, world["operator_a"])
    actions.do_publish(vacancy, world["operator_a"], confirm=True)
    assert vacancy.state == VacancyState.PUBLISHED
    assert vacancy.quality_reason == ""


def test_changing_the_text_drops_an_earlier_confirmation(world):
    vacancy = VacancyFactory(employer=world["firm_a"], state=VacancyState.REVIEW)
    Vacancy.objects.filter(pk=vacancy.pk).update(
        quality_confirmed_by=world["operator_a"], quality_reason="x"
    )
    actions.do_update_vacancy(vacancy, {"description": "Nuovo testo"}, by=world["operator_a"])
    vacancy.refresh_from_db()
    assert vacancy.quality_confirmed_by is None and vacancy.quality_reason == ""


def test_employer_cannot_publish_or_close(world):
    vacancy = VacancyFactory(employer=world["firm_a"])
    with pytest.raises(VacancyTransitionError) as error:
        actions.do_publish(vacancy, world["boss_a"])
    assert error.value.code == "forbidden_transition"
    actions.do_submit_for_review(vacancy, world["boss_a"])
    actions.do_send_back(vacancy, world["operator_a"], note="Indicare la retribuzione")
    actions.do_cancel(vacancy, world["boss_a"])
    assert [
        (t.state_before, t.state_after, t.actor) for t in vacancy.transitions.order_by("id")
    ] == [
        ("draft", "review", "employer"),
        ("review", "draft", "operator"),
        ("draft", "cancelled", "employer"),
    ]


def test_transitions_are_append_only(world):
    vacancy = VacancyFactory(employer=world["firm_a"])
    actions.do_submit_for_review(vacancy, world["operator_a"])
    step = vacancy.transitions.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        VacancyTransition.objects.filter(pk=step.pk).update(note="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        step.delete()


def test_nightly_expiry(world):
    today = dt.date.today()
    old = VacancyFactory(
        published=True,
        employer=world["firm_a"],
        publication_date=today - dt.timedelta(days=40),
        expiry_date=today - dt.timedelta(days=1),
    )
    current = VacancyFactory(published=True, employer=world["firm_a"], expiry_date=today)
    draft = VacancyFactory(employer=world["firm_a"], expiry_date=None)
    assert actions.do_expire_vacancies(today) == [old.pk]
    states = dict(Vacancy.objects.values_list("pk", "state"))
    assert states == {old.pk: "expired", current.pk: "published", draft.pk: "draft"}
    assert old.transitions.get().actor == "system"
    assert actions.do_expire_vacancies(today) == []


def test_changes_are_announced_on_commit(world, django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, vacancy_id, state, **kwargs):
        seen.append((vacancy_id, state))

    actions.vacancy_changed.connect(receiver)
    try:
        vacancy = VacancyFactory(employer=world["firm_a"])
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_publish(vacancy, world["operator_a"])
    finally:
        actions.vacancy_changed.disconnect(receiver)
    assert seen == [(vacancy.pk, "published")]
