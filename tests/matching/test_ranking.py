"""Ranked candidates and vacancies on the real database: the cases where a person knows the
answer, the hard filters, availability, and profile upkeep."""

from __future__ import annotations

import re

from django.db import connection

from sil.did.models import DidState
from sil.dossier.models import DrivingLicence
from sil.matching.models import CandidateProfile
from sil.matching.queries import explain, rank_candidates, rank_candidates_detailed, rank_vacancies
from sil.matching.tasks import refresh_profile


def ids(matches):
    return [m.person_id for m in matches]


def test_a_person_would_rank_them_the_same(world):
    vacancy = world.vacancy(driving_licences=["B"], licence_required=True)
    right_near = world.candidate(place=world.pozzuoli, licences=("B",))
    right_farther = world.candidate(place=world.salerno, licences=("B",), radius=60)
    related_near = world.candidate(profession_code="5.1.2.4.0", licences=("B",))
    wrong_far = world.candidate(profession_code="6.1.2.4.0", place=world.salerno, licences=("B",))
    no_licence = world.candidate(place=world.pozzuoli)

    ranked = rank_candidates(vacancy)

    assert ids(ranked) == [right_near.pk, right_farther.pk, related_near.pk]
    # Wrong profession: outside the CP3 family and with no crosswalk, not even considered.
    assert wrong_far.pk not in ids(ranked)
    # The licence is indispensable: the hard filter drops the candidate without it.
    assert no_licence.pk not in ids(ranked)
    assert explain(vacancy, no_licence).excluded_by == ["licences"]


def test_without_the_hard_filter_the_missing_licence_ranks_below(world):
    vacancy = world.vacancy(driving_licences=["B"], licence_required=False)
    with_licence = world.candidate(place=world.pozzuoli, licences=("B",))
    without = world.candidate(place=world.pozzuoli)
    assert ids(rank_candidates(vacancy)) == [with_licence.pk, without.pk]


def test_licence_implied_by_a_higher_category(world):
    vacancy = world.vacancy(driving_licences=["B"], licence_required=True)
    truck_driver = world.candidate(licences=("CE",))
    assert ids(rank_candidates(vacancy)) == [truck_driver.pk]


def test_every_criterion_is_explained_with_its_weight(world):
    vacancy = world.vacancy()
    person = world.candidate(place=world.pozzuoli, duties="vendita al banco, cassa, clienti")
    (match,) = rank_candidates(vacancy)
    assert match.weights_version == "2026.1"
    assert list(match.criteria) == [
        "profession",
        "distance",
        "availability",
        "education",
        "languages",
        "licences",
        "experience",
        "text",
    ]
    assert match.criteria["distance"].explanation == "13 km da Napoli, entro il raggio di 30 km."
    assert match.criteria["profession"].score == 1.0
    assert match.criteria["text"].score > 0
    assert match.criteria["profession"].weight == 30.0
    assert 0 < match.score <= 100
    assert explain(vacancy, person).score == match.score


def test_required_language_education_and_experience_are_hard_filters(world):
    vacancy = world.vacancy(
        languages=(("en", "B2", True),),
        education_level=None,
        experience_months=36,
        experience_required=True,
    )
    fluent_senior = world.candidate(languages={"en": "C1"}, months=48)
    fluent_junior = world.candidate(languages={"en": "C1"}, months=12)
    basic_senior = world.candidate(languages={"en": "A2"}, months=48)
    assert ids(rank_candidates(vacancy)) == [fluent_senior.pk]
    assert explain(vacancy, fluent_junior).excluded_by == ["experience"]
    assert explain(vacancy, basic_senior).excluded_by == ["languages"]


def test_only_people_available_for_work(world):
    vacancy = world.vacancy()
    active = world.candidate()
    conserved = world.candidate(did_state=DidState.CONSERVED)
    suspended = world.candidate(did_state=DidState.SUSPENDED)
    lapsed = world.candidate(did_state=DidState.LAPSED)
    no_did = world.candidate(did_state="")
    ranked = ids(rank_candidates(vacancy))
    assert set(ranked) == {active.pk, conserved.pk}
    assert not {suspended.pk, lapsed.pk, no_did.pk} & set(ranked)


def test_l68_vacancy_has_no_candidates_until_the_lists_exist(world):
    vacancy = world.vacancy(targeted_l68=True)
    world.candidate()
    assert rank_candidates(vacancy) == []


def test_filters_distance_office_and_min_score(world):
    vacancy = world.vacancy()
    near = world.candidate(place=world.pozzuoli)
    salerno = world.candidate(place=world.salerno, office=world.cpi_b)
    assert ids(rank_candidates(vacancy, filters={"max_km": 20})) == [near.pk]
    assert ids(rank_candidates(vacancy, filters={"office_ids": [world.cpi_b.pk]})) == [salerno.pk]
    best = rank_candidates(vacancy)[0].score
    assert ids(rank_candidates(vacancy, filters={"min_score": best})) == [near.pk]


def test_crosswalk_brings_in_another_cp_family(world):
    from tests.matching.factories import crosswalk

    crosswalk("5.1.2.2.0", "5223")
    crosswalk("5.2.1.1.0", "5223")
    vacancy = world.vacancy()
    cousin = world.candidate(profession_code="5.2.1.1.0")
    (match,) = rank_candidates(vacancy)
    assert match.person_id == cousin.pk
    assert match.criteria["profession"].score == 0.6


def test_the_sql_prefilter_is_bounded_and_selective(world, django_assert_max_num_queries):
    vacancy = world.vacancy()
    for _ in range(3):
        world.candidate()
    world.candidate(profession_code="6.1.2.4.0")
    with django_assert_max_num_queries(12) as queries:
        detailed = rank_candidates_detailed(vacancy, limit=2)
    assert len(detailed.matches) == 2
    assert detailed.considered == 3
    sql = [q["sql"] for q in queries.captured_queries if "matching_candidateprofile" in q["sql"]]
    # Probes per pre-score tier (CP5, CP4, then the CP3 family in growing boxes: no ISCO
    # crosswalk here), each cut to the pool size, then the profiles of the pool by id.
    assert len(sql) == 7
    limits = [re.search(r"LIMIT (\d+)", q) for q in sql[:-1]]
    assert all(limit and int(limit[1]) <= 300 for limit in limits)
    assert "family_cells" not in sql[0]
    assert "person_id = ANY" in sql[-1]


def test_rank_vacancies_for_a_person(world):
    person = world.candidate(place=world.pozzuoli)
    shop = world.vacancy()
    related = world.vacancy(profession_code="5.1.2.4.0")
    world.vacancy(profession_code="6.1.2.4.0")
    world.vacancy(state="draft")
    far = world.vacancy(place=world.milan)
    ranked = rank_vacancies(person)
    assert [m.vacancy_id for m in ranked] == [shop.pk, related.pk]
    assert far.pk not in [m.vacancy_id for m in ranked]
    assert ranked[0].person_id == person.pk


def test_profile_rebuilt_by_the_worker_job_after_commit(world, django_capture_on_commit_callbacks):
    from procrastinate.contrib.django.models import ProcrastinateJob

    person = world.candidate(refresh=False)
    with django_capture_on_commit_callbacks(execute=True):
        DrivingLicence.objects.create(person=person, category="B")
        DrivingLicence.objects.create(person=person, category="C")
    jobs = ProcrastinateJob.objects.filter(task_name="sil.matching.refresh_profile")
    # Repeated changes of one person collapse into one queued job.
    assert [job.args for job in jobs] == [{"person_id": person.pk}]
    from asgiref.sync import async_to_sync

    async_to_sync(refresh_profile.func)(person_id=person.pk)  # what the worker runs
    profile = CandidateProfile.objects.get(pk=person.pk)
    assert profile.available
    assert set(profile.driving_licences) >= {"B", "C", "C1", "AM"}
    assert profile.professions == ["5", "5.1", "5.1.2", "5.1.2.2", "5.1.2.2.0"]
    assert profile.experience_months["5.1.2.2"] == 24
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search @@ to_tsquery('matching_italian', 'negozi') FROM "
            "matching_candidateprofile WHERE person_id = %s",
            [person.pk],
        )
        assert cursor.fetchone() == (False,)
