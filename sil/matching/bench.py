"""The matching benchmark: `sil bench matching --people N --vacancies M` calls `run(N, M)`.

1. The synthetic Region generator (sil.scale) makes sure N people with DIDs and dossiers exist
   (it resumes: a second run adds nothing), then every candidate profile is rebuilt with the
   set-based statement (timed: `rebuild_s`).
2. M published vacancies are drawn (seeded): a CP profession taken from the people's work
   experience, a workplace among the municipalities where people live.
3. Measured: `rank_candidates(vacancy, limit=50)` for each vacancy: p50 and p95 in ms.
4. Baseline: the naive way, every available profile loaded and scored in Python. It is run on
   a sample of `BASELINE_SAMPLE` available profiles per vacancy for `BASELINE_VACANCIES`
   vacancies, and its time scaled linearly to all available people (loading and scoring are
   both linear in the rows): `baseline_p95_ms`. `ratio` = baseline_p95_ms / p95_ms.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from django.db import connection, transaction

from sil.employers.models import Employer
from sil.matching.models import CandidateProfile
from sil.matching.profiles import refresh_range, vacuum_profiles
from sil.matching.queries import (
    _PROFILE_COLUMNS,
    _candidate,
    active_weights,
    rank_candidates,
    vacancy_facts,
)
from sil.matching.scoring import score
from sil.people.models import Person
from sil.vacancies.models import Vacancy, VacancyState

BASELINE_SAMPLE = 20_000
BASELINE_VACANCIES = 5
REBUILD_BATCH = 20_000
BENCH_EMPLOYER = "99999999990"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _ensure_people(people: int, seed: int) -> None:
    from sil.scale.generator import generate

    generate(people, seed=seed)


def _rebuild() -> float:
    started = time.perf_counter()
    bounds = Person.objects.order_by().values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    if low is None or high is None:
        return 0.0
    low, high = min(low, high), max(low, high)
    for first in range(low, high + 1, REBUILD_BATCH):
        refresh_range(first, min(first + REBUILD_BATCH - 1, high))
    vacuum_profiles()
    return time.perf_counter() - started


def _vacancies(count: int, rng: random.Random) -> list[Vacancy]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT w.profession_id FROM dossier_workexperience w "
            "WHERE w.profession_id IS NOT NULL LIMIT 2000"
        )
        professions = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT DISTINCT municipality_id FROM matching_candidateprofile "
            "WHERE available AND latitude IS NOT NULL LIMIT 5000"
        )
        places = sorted(row[0] for row in cursor.fetchall())
    if not professions or not places:
        return []
    with transaction.atomic():
        employer, _created = Employer.objects.get_or_create(
            fiscal_code=BENCH_EMPLOYER,
            defaults={"name": "Impresa del banco di prova", "municipality_id": places[0]},
        )
        Vacancy.objects.filter(employer=employer).delete()
        made = Vacancy.objects.bulk_create(
            Vacancy(
                employer=employer,
                title=f"Offerta di prova {n}",
                description="Ricerchiamo personale con esperienza nella mansione.",
                profession_id=rng.choice(professions),
                municipality_id=rng.choice(places),
                state=VacancyState.PUBLISHED,
            )
            for n in range(count)
        )
    return made


def _baseline_ms(vacancy: Vacancy, available: int, weights: Any) -> tuple[float, int]:
    """Naive: load available profiles and score each in Python (on a sample, scaled)."""
    facts = vacancy_facts(vacancy)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_PROFILE_COLUMNS} FROM {CandidateProfile._meta.db_table} "  # noqa: S608
            "WHERE available LIMIT %s",
            [BASELINE_SAMPLE],
        )
        rows = cursor.fetchall()
    matches = [score(facts, _candidate(row), weights.weights, weights.version) for row in rows]
    matches.sort(key=lambda m: -m.score)
    elapsed = (time.perf_counter() - started) * 1000
    sample = max(1, len(rows))
    return elapsed * max(available, sample) / sample, len(rows)


def run(people: int, vacancies: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311 - reproducible draws, not secrets
    _ensure_people(people, seed)
    rebuild_s = _rebuild()
    total = CandidateProfile.objects.count()
    available = CandidateProfile.objects.filter(available=True).count()
    made = _vacancies(vacancies, rng)
    timings: list[float] = []
    returned: list[int] = []
    for vacancy in made:
        started = time.perf_counter()
        result = rank_candidates(vacancy, limit=50)
        timings.append((time.perf_counter() - started) * 1000)
        returned.append(len(result))
    weights = active_weights()
    baseline: list[float] = []
    sample_rows = 0
    for vacancy in made[:BASELINE_VACANCIES]:
        ms, sample_rows = _baseline_ms(vacancy, available, weights)
        baseline.append(ms)
    p50 = statistics.median(timings) if timings else 0.0
    p95 = _percentile(timings, 0.95) if timings else 0.0
    baseline_p95 = _percentile(baseline, 0.95) if baseline else 0.0
    return {
        "people": people,
        "profiles": total,
        "available_people": available,
        "vacancies": len(made),
        "rebuild_s": round(rebuild_s, 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(timings), 2) if timings else 0.0,
        "mean_candidates_returned": round(statistics.mean(returned), 1) if returned else 0,
        "baseline_p95_ms": round(baseline_p95, 1),
        "baseline_vacancies": len(baseline),
        "baseline_sample_rows": sample_rows,
        "baseline_method": (
            f"naive Python scoring of {sample_rows} available profiles per vacancy, "
            f"scaled linearly to {available} available people"
        ),
        "ratio": round(baseline_p95 / p95, 1) if p95 else 0.0,
    }
