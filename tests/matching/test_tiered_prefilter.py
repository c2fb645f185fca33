"""The tiered prefilter (CP5 nearby first, then CP4, ISCO, CP3, CP2) must hand Python scoring
exactly the pool the single statement over the whole family would: same people, same order."""

from __future__ import annotations

import pytest
from django.db import connection

from sil.matching import queries
from sil.matching.profiles import refresh_profiles
from sil.matching.queries import (
    CandidateFilters,
    _candidate_sql,
    candidate_pool,
    rank_candidates,
    vacancy_facts,
    vacancy_text,
)
from tests.factories import MunicipalityFactory
from tests.matching.factories import crosswalk

pytestmark = pytest.mark.django_db


def single_statement_rows(facts, filters, level, text):
    sql, params = _candidate_sql(facts, filters, level)
    params["text"] = text
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture
def crowd(world):
    """Every tier of the pre-score, at several distances, with ties of place and of tier."""
    crosswalk("5.1.2.2.0", "5223")
    crosswalk("5.2.1.1.0", "5223")
    province = world.naples.province
    caserta = MunicipalityFactory(
        name="Caserta", province=province, latitude=41.0742, longitude=14.3328
    )
    nola = MunicipalityFactory(name="Nola", province=province, latitude=40.9262, longitude=14.5275)
    places = [world.naples, world.pozzuoli, caserta, nola, world.salerno, world.milan]
    codes = [
        "5.1.2.2.0",  # CP5: the vacancy's own profession
        "5.1.2.2.1",  # CP4 group
        "5.2.1.1.0",  # ISCO crosswalk only
        "5.1.2.4.0",  # CP3 family
        "5.1.3.1.0",  # CP2 group only (the widened search)
        "6.1.2.4.0",  # unrelated
    ]
    people = []
    for n, code in enumerate(codes):
        for m, place in enumerate(places):
            for _copy in range(1 + (n + m) % 2):
                people.append(
                    world.candidate(
                        profession_code=code,
                        place=place,
                        months=6 + 7 * ((n + m) % 4),
                        licences=("B",) if m % 2 else (),
                        refresh=False,
                    )
                )
    refresh_profiles([p.pk for p in people])
    vacancy = world.vacancy(description="Vendita al banco, cassa e magazzino.")
    return vacancy


def test_tiers_give_the_pool_of_the_single_statement(crowd, monkeypatch):
    facts = vacancy_facts(crowd)
    text = vacancy_text(crowd)
    # Pool sizes that cut inside every tier, and one that takes them all.
    for pool in (1, 2, 3, 5, 8, 13, 21, 34, 300):
        monkeypatch.setattr(queries, "POOL_SIZE", pool)
        for level in (3, 2):
            for km in (60, 30, 5):
                filters = CandidateFilters(max_km=km)
                expected = single_statement_rows(facts, filters, level, text)
                assert expected, "the crowd must give the single statement something to find"
                assert candidate_pool(facts, filters, level, text) == expected, (pool, level, km)


def test_hard_filters_apply_in_every_tier(crowd, monkeypatch):
    monkeypatch.setattr(queries, "POOL_SIZE", 4)
    crowd.driving_licences = ["B"]
    crowd.licence_required = True
    crowd.save()
    facts = vacancy_facts(crowd)
    text = vacancy_text(crowd)
    for level in (3, 2):
        expected = single_statement_rows(facts, CandidateFilters(), level, text)
        got = candidate_pool(facts, CandidateFilters(), level, text)
        assert got == expected
        assert all("B" in row[14] for row in got)


def test_same_top_50_as_the_single_statement(crowd, monkeypatch):
    monkeypatch.setattr(queries, "POOL_SIZE", 6)
    tiered = rank_candidates(crowd, limit=50)

    def single(facts, filters, level, text):
        return single_statement_rows(facts, filters, level, text)

    monkeypatch.setattr(queries, "candidate_pool", single)
    reference = rank_candidates(crowd, limit=50)
    assert [(m.person_id, m.score) for m in tiered] == [(m.person_id, m.score) for m in reference]
    assert len(tiered) >= 6


def test_the_exact_profession_nearby_stops_the_search(crowd, django_assert_max_num_queries):
    # With a pool of 2 the CP5 people of Naples and Pozzuoli (pre-scores 100 and 94) fill it
    # and no row of the CP4 tier (80 at best) can beat them: one probe, then the profiles.
    facts = vacancy_facts(crowd)
    text = vacancy_text(crowd)
    queries_seen = []
    original = queries.POOL_SIZE
    try:
        queries.POOL_SIZE = 2
        with django_assert_max_num_queries(2) as captured:
            rows = candidate_pool(facts, CandidateFilters(), 3, text)
        queries_seen = [q["sql"] for q in captured.captured_queries]
    finally:
        queries.POOL_SIZE = original
    assert len(rows) == 2
    assert "matching_profession_cells" in queries_seen[0]
    assert "family_cells" not in queries_seen[0]
