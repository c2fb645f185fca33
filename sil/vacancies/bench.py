"""The job-board benchmark: `run(vacancies=30000)` (called by `sil bench`).

1. Makes sure the bench database holds `vacancies` published vacancies (synthetic.generate;
   a few bench employers are created first if there are none). Not timed.
2. Runs a fixed mix of board searches (free text, profession prefix, municipality + radius,
   contract, working time, combined) the way the page runs them: the count (capped at
   BOARD_COUNT_CAP, as the page shows "more than 1,000") and the first page of 20. Database time is the time spent in the two SQL statements (measured around
   cursor.execute), so the radius pre-selection of comuni is included.
3. Baseline: the same searches written the obvious way (substring ILIKE on unaccented
   title, description and profession name; radius by computing the distance to every comune
   in Python), on the same data, same run.

Returns vacancies, queries, p50_ms, p95_ms, baseline_p50_ms, baseline_p95_ms, ratio.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from sil.classifications.models import ContractType
from sil.employers.codes import make_vat_number
from sil.employers.models import Employer
from sil.territory.models import Municipality
from sil.territory.queries import haversine_km
from sil.vacancies import synthetic
from sil.vacancies.models import Vacancy
from sil.vacancies.queries import (
    BOARD_RELATED,
    BoardPaginator,
    BoardQuery,
    published_vacancies,
    search_board,
)

PAGE = 20
WORDS = (
    "cameriere", "cuoco", "magazziniere", "autista", "saldatore", "infermiere",
    "impiegato amministrativo", "commessa", "pulizie", "sviluppatore python", "pizzaiolo",
    "meccanico", "operatore socio sanitario", "muratore", "barista",
)  # fmt: skip
PREFIXES = ("5.2", "5.2.2", "8.1", "6.2.1", "4.1", "3.2", "2.1.1")
RADII = (10, 25, 50)
BENCH_EMPLOYERS = 300


def _ensure_employers() -> None:
    if Employer.objects.exists():
        return
    places = list(
        Municipality.objects.current()
        .filter(province_code__in=["NA", "SA", "CE", "AV", "BN"])
        .exclude(istat_code="")
        .order_by("istat_code")
        .values_list("id", flat=True)
    ) or list(Municipality.objects.current().order_by("id").values_list("id", flat=True)[:500])
    rng = random.Random(7)  # noqa: S311 - synthetic data
    Employer.objects.bulk_create(
        Employer(
            fiscal_code=make_vat_number(9_000_000 + n, office=63),
            vat_number=make_vat_number(9_000_000 + n, office=63),
            name=f"Impresa di prova {n} S.r.l.",
            municipality_id=rng.choice(places),
        )
        for n in range(1, BENCH_EMPLOYERS + 1)
    )


def ensure_vacancies(count: int, seed: int) -> int:
    """Top the bench database up to `count` published vacancies on the board."""
    _ensure_employers()
    missing = count - published_vacancies().count()
    if missing > 0:
        # References are per seed: ask for the ones beyond those already there.
        existing = Vacancy.objects.filter(reference__startswith=f"SYN-{seed}-").count()
        synthetic.generate(existing + missing, seed)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Vacancy._meta.db_table}")
    return published_vacancies().count()


def queries(seed: int, how_many: int = 200) -> list[BoardQuery]:
    """A deterministic mix of searches like visitors' (about half with a place)."""
    rng = random.Random(seed)  # noqa: S311 - benchmark mix
    places = list(
        Municipality.objects.filter(
            pk__in=published_vacancies().values("municipality_id").distinct()
        ).order_by("pk")
    )
    contracts = list(ContractType.objects.order_by("code").values_list("id", flat=True))
    mix: list[BoardQuery] = []
    for index in range(how_many):
        kind = index % 6
        place = rng.choice(places) if places else None
        if kind == 0:
            mix.append(BoardQuery(text=rng.choice(WORDS)))
        elif kind == 1:
            mix.append(BoardQuery(profession_code=rng.choice(PREFIXES)))
        elif kind == 2:
            mix.append(BoardQuery(municipality=place, radius_km=rng.choice(RADII)))
        elif kind == 3:
            mix.append(
                BoardQuery(
                    contract_type_id=rng.choice(contracts) if contracts else None,
                    working_time=rng.choice(["full", "part"]),
                )
            )
        elif kind == 4:
            mix.append(BoardQuery(text=rng.choice(WORDS), municipality=place, radius_km=25))
        else:
            mix.append(
                BoardQuery(
                    profession_code=rng.choice(PREFIXES),
                    municipality=place,
                    radius_km=rng.choice(RADII),
                    working_time="full",
                )
            )
    return mix


@contextmanager
def _db_timer() -> Iterator[list[float]]:
    spent: list[float] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    with connection.execute_wrapper(wrapper):
        yield spent


def _run_page(build: Callable[[], QuerySet[Vacancy]]) -> float:
    """Milliseconds of database time for count + first page (build() included in the timing
    only through the SQL it runs, e.g. the radius box)."""
    with _db_timer() as spent:
        vacancies = build().select_related(*BOARD_RELATED)
        page = BoardPaginator(vacancies, PAGE).page(1)
        list(page.object_list)
    return sum(spent) * 1000


def naive_board(query: BoardQuery) -> QuerySet[Vacancy]:
    """The baseline: the same search without the full-text index or the radius box."""
    vacancies = published_vacancies()
    for word in query.text.split():
        vacancies = vacancies.filter(
            Q(title__unaccent__icontains=word)
            | Q(description__unaccent__icontains=word)
            | Q(profession__name__unaccent__icontains=word)
        )
    if query.profession_code:
        vacancies = vacancies.filter(profession__code__startswith=query.profession_code)
    if query.municipality is not None:
        center = query.municipality
        near = [
            pk
            for pk, lat, lon in Municipality.objects.values_list("pk", "latitude", "longitude")
            if pk == center.pk
            or (
                None not in (lat, lon, center.latitude, center.longitude)
                and haversine_km(center.latitude, center.longitude, lat, lon) <= query.radius_km  # type: ignore[arg-type]
            )
        ]
        vacancies = vacancies.filter(municipality_id__in=near)
    if query.contract_type_id:
        vacancies = vacancies.filter(contract_type_id=query.contract_type_id)
    if query.working_time:
        vacancies = vacancies.filter(working_time=query.working_time)
    return vacancies.order_by("-publication_date", "-id")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run(vacancies: int = 30_000, seed: int = 1, queries_count: int = 200) -> dict[str, Any]:
    on_board = ensure_vacancies(vacancies, seed)
    mix = queries(seed, queries_count)
    for query in mix[:10]:  # warm the caches and the plans
        _run_page(partial(search_board, query))
    timings = [_run_page(partial(search_board, query)) for query in mix]
    baseline = [_run_page(partial(naive_board, query)) for query in mix]
    p95 = _percentile(timings, 0.95)
    baseline_p95 = _percentile(baseline, 0.95)
    return {
        "vacancies": on_board,
        "queries": len(mix),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(timings), 2),
        "baseline_p50_ms": round(statistics.median(baseline), 2),
        "baseline_p95_ms": round(baseline_p95, 2),
        "ratio": round(baseline_p95 / p95, 1) if p95 else None,
        "measure": "database time of the capped count + first page of 20, per search",
    }
