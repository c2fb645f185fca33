"""Reads of the matching engine used by other apps: ranked candidates, ranked vacancies, one pair.

rank_candidates runs ONE selective SQL prefilter on the candidate profiles (available people,
profession family or ISCO crosswalk, a box around the workplace, the indispensable requirements)
ordered by a cheap SQL pre-score and cut to a bounded pool; only that pool is scored in Python
with full explanations. No query ever loads every available person.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch

from sil.classifications.models import EscoProfessionMapping, Profession
from sil.matching.models import CandidateProfile, WeightSet
from sil.matching.profiles import TS_CONFIG, refresh_profiles
from sil.matching.scoring import (
    DEFAULT_VERSION,
    DEFAULT_WEIGHTS,
    CandidateFacts,
    LanguageNeed,
    Match,
    VacancyFacts,
    cp_prefix,
    cp_prefixes,
    haversine_km,
    quick_score,
    score,
)
from sil.people.models import Person
from sil.vacancies.models import Vacancy, VacancyLanguage

__all__ = [
    "Match",
    "active_weights",
    "explain",
    "rank_candidates",
    "rank_vacancies",
    "vacancy_facts",
]

# How many profiles the SQL prefilter hands to Python scoring.
POOL_SIZE = 300
DEFAULT_MAX_KM = 60
KM_PER_DEGREE = 111.2
# Words of the vacancy's description used for the free-text criterion.
TEXT_CHARS = 600

_PROFILE_COLUMNS = (
    "person_id, professions, isco_codes, experience_months, latitude, longitude, "
    "municipality_name, mobility_radius_km, contract_types, working_time, shifts, "
    "education_position, education_name, language_levels, driving_licences, l68_listed"
)


@dataclass(frozen=True, slots=True)
class Weights:
    version: str
    weights: Mapping[str, float]


def active_weights() -> Weights:
    current = WeightSet.objects.active()
    if current is None:
        return Weights(DEFAULT_VERSION, DEFAULT_WEIGHTS)
    return Weights(current.version, {k: float(v) for k, v in current.weights.items()})


# --- vacancies as facts --------------------------------------------------------------------


def _vacancy_queryset() -> Any:
    return Vacancy.objects.select_related(
        "profession", "municipality", "contract_type", "education_level", "esco_occupation"
    ).prefetch_related(
        Prefetch("languages", queryset=VacancyLanguage.objects.select_related("level"))
    )


def vacancy_facts_many(vacancies: Sequence[Vacancy]) -> dict[int, VacancyFacts]:
    """Facts of several vacancies in a fixed number of queries (names and crosswalk batched).

    Expects the vacancies loaded with `_vacancy_queryset()` (related rows at hand).
    """
    codes = {v.profession.code for v in vacancies}
    prefixes = {p for code in codes for p in cp_prefixes(code)}
    names: dict[str, str] = {}
    if prefixes:
        for code, name, system in Profession.objects.filter(code__in=prefixes).values_list(
            "code", "name", "system"
        ):
            if code not in names or system == "cp2021":
                names[code] = name
    isco_by_code: dict[str, set[str]] = {}
    if codes:
        rows = EscoProfessionMapping.objects.filter(
            profession__system="cp2011",
            profession__code__in=codes,
            occupation__isco_group__isnull=False,
        ).values_list("profession__code", "occupation__isco_group__code")
        for code, group in rows:
            isco_by_code.setdefault(code, set()).add(group)
    isco_groups = {
        v.esco_occupation.isco_group_id
        for v in vacancies
        if v.esco_occupation is not None and v.esco_occupation.isco_group_id
    }
    isco_of_group: dict[int, str] = {}
    if isco_groups:
        from sil.classifications.models import IscoGroup

        isco_of_group = dict(IscoGroup.objects.filter(pk__in=isco_groups).values_list("pk", "code"))
    facts = {}
    for v in vacancies:
        code = v.profession.code
        isco = set(isco_by_code.get(code, ()))
        if v.esco_occupation is not None and v.esco_occupation.isco_group_id in isco_of_group:
            isco.add(isco_of_group[v.esco_occupation.isco_group_id])
        facts[v.pk] = VacancyFacts(
            vacancy_id=v.pk,
            profession_code=code,
            profession_names={p: names.get(p, "") for p in cp_prefixes(code)}
            | {code: v.profession.name},
            isco_codes=frozenset(isco),
            latitude=v.municipality.latitude,
            longitude=v.municipality.longitude,
            municipality_name=v.municipality.name,
            contract_code=v.contract_type.code if v.contract_type else "",
            contract_name=v.contract_type.name if v.contract_type else "",
            working_time=v.working_time,
            shifts=v.shifts,
            education_position=v.education_level.position if v.education_level else None,
            education_name=v.education_level.name if v.education_level else "",
            education_required=v.education_required,
            experience_months=v.experience_months,
            experience_required=v.experience_required,
            languages=tuple(
                LanguageNeed(lang.language, lang.level.position, lang.required)
                for lang in v.languages.all()
            ),
            driving_licences=tuple(v.driving_licences),
            licence_required=v.licence_required,
            targeted_l68=v.targeted_l68,
        )
    return facts


def _load(vacancy: Vacancy | int) -> Vacancy:
    pk = vacancy if isinstance(vacancy, int) else vacancy.pk
    loaded: Vacancy = _vacancy_queryset().get(pk=pk)
    return loaded


def vacancy_facts(vacancy: Vacancy | int) -> VacancyFacts:
    loaded = _load(vacancy)
    return vacancy_facts_many([loaded])[loaded.pk]


def vacancy_text(vacancy: Vacancy) -> str:
    return f"{vacancy.title} {vacancy.description[:TEXT_CHARS]} {vacancy.it_skills}"


# --- profiles as facts -------------------------------------------------------------------


def _json(value: Any) -> dict[str, int]:
    # Django leaves jsonb undecoded on raw cursors.
    if isinstance(value, str):
        decoded: dict[str, int] = json.loads(value)
        return decoded
    return dict(value or {})


def _candidate(row: Sequence[Any], text_rank: float = 0.0) -> CandidateFacts:
    return CandidateFacts(
        person_id=row[0],
        professions=frozenset(row[1]),
        isco_codes=frozenset(row[2]),
        experience_months=_json(row[3]),
        latitude=row[4],
        longitude=row[5],
        municipality_name=row[6],
        mobility_radius_km=row[7],
        contract_types=frozenset(row[8]),
        working_time=row[9],
        shifts=row[10],
        education_position=row[11],
        education_name=row[12],
        language_levels=_json(row[13]),
        driving_licences=frozenset(row[14]),
        l68_listed=row[15],
        text_rank=float(text_rank or 0.0),
    )


def _or_query_sql(param: str) -> str:
    """A tsquery matching ANY word of the text (plainto_tsquery ANDs them)."""
    return (
        f"NULLIF(replace(plainto_tsquery('{TS_CONFIG}', %({param})s)::text, ' & ', ' | '), '')"
        "::tsquery"
    )


def _box(lat: float, lon: float, km: float) -> dict[str, float]:
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(0.1, math.cos(math.radians(lat))))
    return {
        "lat_min": lat - dlat,
        "lat_max": lat + dlat,
        "lon_min": lon - dlon,
        "lon_max": lon + dlon,
    }


@dataclass(frozen=True, slots=True)
class CandidateFilters:
    max_km: float = DEFAULT_MAX_KM
    min_score: float = 0.0
    office_ids: tuple[int, ...] = ()
    require_licences: bool = False
    require_languages: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> CandidateFilters:
        data = data or {}
        offices = data.get("office_ids") or data.get("office") or ()
        if isinstance(offices, int):
            offices = (offices,)
        return cls(
            max_km=float(data.get("max_km") or DEFAULT_MAX_KM),
            min_score=float(data.get("min_score") or 0.0),
            office_ids=tuple(int(o) for o in offices),
            require_licences=bool(data.get("require_licences")),
            require_languages=bool(data.get("require_languages")),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "max_km": self.max_km,
            "min_score": self.min_score,
            "office_ids": list(self.office_ids),
            "require_licences": self.require_licences,
            "require_languages": self.require_languages,
        }


def _tier_params(facts: VacancyFacts, filters: CandidateFilters) -> dict[str, Any]:
    """The parameters shared by the single prefilter and the tiered one."""
    assert facts.latitude is not None and facts.longitude is not None
    code = facts.profession_code
    levels = len(code.split("."))
    return {
        "isco": sorted(facts.isco_codes),
        "l5": [code],
        "l4": [cp_prefix(code, min(4, levels))],
        "l3": [cp_prefix(code, min(3, levels))],
        "lat": facts.latitude,
        "lon": facts.longitude,
        "kx": KM_PER_DEGREE * math.cos(math.radians(facts.latitude)),
        "pool": POOL_SIZE,
        **_box(facts.latitude, facts.longitude, filters.max_km),
    }


def _hard_filters(
    facts: VacancyFacts, filters: CandidateFilters, params: dict[str, Any]
) -> list[str]:
    """The requirements the vacancy marks as indispensable, and the operator's filters."""
    code = facts.profession_code
    levels = len(code.split("."))
    where = []
    if facts.targeted_l68:
        where.append("l68_listed")
    if facts.education_required and facts.education_position is not None:
        where.append("education_position >= %(education)s")
        params["education"] = facts.education_position
    if facts.experience_required and facts.experience_months:
        where.append("coalesce((experience_months ->> %(exp_key)s)::int, 0) >= %(exp_months)s")
        params["exp_key"] = cp_prefix(code, min(4, levels))
        params["exp_months"] = facts.experience_months
    if facts.driving_licences and (facts.licence_required or filters.require_licences):
        where.append("driving_licences @> %(licences)s::varchar[]")
        params["licences"] = list(facts.driving_licences)
    tags = [
        f"{need.language}:{_cefr_code(need.position)}"
        for need in facts.languages
        if need.required or filters.require_languages
    ]
    if tags:
        where.append("languages @> %(languages)s::varchar[]")
        params["languages"] = tags
    if filters.office_ids:
        where.append("office_id = ANY(%(offices)s)")
        params["offices"] = list(filters.office_ids)
    return where


# The SQL pre-score: profession tier minus half the distance in km (equirectangular: cheap and
# close enough at a Region's scale). The tiers, best first; the tiered search relies on them.
TIER_CP5, TIER_CP4, TIER_ISCO, TIER_CP3, TIER_FAMILY = 100, 80, 60, 50, 25
_DISTANCE_SQL = (
    f"sqrt(power((latitude - %(lat)s) * {KM_PER_DEGREE}, 2) "
    "+ power((longitude - %(lon)s) * %(kx)s, 2))"
)
_TIER_SQL = f"""(CASE WHEN professions && %(l5)s::varchar[] THEN {TIER_CP5}
                 WHEN professions && %(l4)s::varchar[] THEN {TIER_CP4}
                 WHEN isco_codes && %(isco)s::varchar[] THEN {TIER_ISCO}
                 WHEN professions && %(l3)s::varchar[] THEN {TIER_CP3}
                 ELSE {TIER_FAMILY} END)"""
_ROWS_SQL = f"""
SELECT {_PROFILE_COLUMNS}, 0, coalesce(ts_rank(s.search, q.q, 32), 0)
FROM (
  SELECT {_PROFILE_COLUMNS}, search
  FROM {CandidateProfile._meta.db_table}
  WHERE {{where}}
  ORDER BY {{order}}
  LIMIT %(pool)s
) s LEFT JOIN (SELECT {_or_query_sql("text")} AS q) q ON true
"""  # noqa: S608 - identifiers are ours, values are parameters


def _candidate_sql(
    facts: VacancyFacts, filters: CandidateFilters, family_level: int
) -> tuple[str, dict[str, Any]]:
    """The prefilter as one statement: the whole family nearby, ordered by the pre-score.

    The reference the tiered search must agree with, and what runs for a vacancy whose
    profession is coded above the CP3 level.
    """
    code = facts.profession_code
    levels = len(code.split("."))
    params = _tier_params(facts, filters)
    params["family"] = [cp_prefix(code, min(family_level, levels))]
    params["tags"] = family_cell_tags(
        [params["family"][0], *(f"i{code}" for code in params["isco"])], params
    )
    where = [
        "available",
        # One GIN probe: the family (or ISCO group) in the grid cells around the workplace.
        "family_cells && %(tags)s::varchar[]",
        "latitude BETWEEN %(lat_min)s AND %(lat_max)s",
        "longitude BETWEEN %(lon_min)s AND %(lon_max)s",
        *_hard_filters(facts, filters, params),
    ]
    sql = _ROWS_SQL.format(
        where=" AND ".join(where), order=f"{_TIER_SQL} - 0.5 * {_DISTANCE_SQL} DESC, person_id"
    )
    return sql, params


@dataclass(frozen=True, slots=True)
class _Tier:
    value: int
    # The indexed probe: "profession" (CP4/CP5 code @ cell, migration 0005) or "family"
    # (CP2/CP3 family or ISCO group @ cell, migration 0003), with the codes to ask for.
    index: str
    codes: tuple[str, ...]
    # Conditions that keep in this tier only the rows the pre-score puts in it.
    conditions: tuple[str, ...]


def _tiers(facts: VacancyFacts, params: Mapping[str, Any], family_level: int) -> list[_Tier]:
    """The pre-score tiers of the vacancy, best first, each with its own indexed probe.

    Every tier is the set of rows to which `_TIER_SQL` gives that value, among those the
    single statement selects. The probe's tag ("code@cell") implies the person holds the code,
    and the box implies the cell, so a tier needs only the exclusions of the better tiers (and
    profiles hold every prefix of their codes: whoever has the CP5 code has its CP3 family).
    """
    code = facts.profession_code
    levels = len(code.split("."))
    isco = tuple(f"i{group}" for group in params["isco"])
    not_cp5 = "NOT professions && %(l5)s::varchar[]"
    not_cp4 = "NOT professions && %(l4)s::varchar[]"
    not_isco = ("NOT isco_codes && %(isco)s::varchar[]",) if isco else ()
    tiers = [_Tier(TIER_CP5, "profession" if levels >= 4 else "family", (code,), ())]
    if levels == 5:
        tiers.append(_Tier(TIER_CP4, "profession", (params["l4"][0],), (not_cp5,)))
    if isco:
        tiers.append(_Tier(TIER_ISCO, "family", isco, (not_cp5, not_cp4)))
    if levels >= 4:
        tiers.append(_Tier(TIER_CP3, "family", (params["l3"][0],), (not_cp5, not_cp4, *not_isco)))
    if family_level < 3:
        tiers.append(
            _Tier(
                TIER_FAMILY,
                "family",
                (cp_prefix(code, family_level),),
                (not_cp5, not_cp4, *not_isco, "NOT professions && %(l3)s::varchar[]"),
            )
        )
    return tiers


_PROBES = {
    "profession": "matching_profession_cells(professions, latitude, longitude) && %(tags)s::varchar[]",
    "family": "family_cells && %(tags)s::varchar[]",
}


# Broad tiers (ISCO groups, CP3 family, CP2 group) are read in growing boxes: in a dense area
# the nearest few hundred are a few km away, and the rest of the family is never read.
RING_START_KM = 8.0
RING_GROWTH = 2.5


def _tier_rows(
    tier: _Tier,
    facts: VacancyFacts,
    base: Mapping[str, Any],
    hard: Sequence[str],
    radius: float,
    wanted: int,
) -> list[tuple[float, int]]:
    """The best `wanted` rows of one tier within `radius` km, as (-pre-score, person id)."""
    assert facts.latitude is not None and facts.longitude is not None
    where = " AND ".join(
        [
            "available",
            _PROBES[tier.index],
            # "+ 0" keeps the planner off the position index: on a box it reads everyone
            # nearby, the tag probe only the tier's people.
            "latitude + 0 BETWEEN %(lat_min)s AND %(lat_max)s",
            "longitude + 0 BETWEEN %(lon_min)s AND %(lon_max)s",
            *tier.conditions,
            *hard,
        ]
    )
    sql = (
        f"SELECT person_id, {tier.value} - 0.5 * {_DISTANCE_SQL} AS pre "  # noqa: S608
        f"FROM {CandidateProfile._meta.db_table} WHERE {where} "
        "ORDER BY pre DESC, person_id LIMIT %(pool)s"
    )
    ring = RING_START_KM if tier.index == "family" else radius
    while True:
        ring = min(ring, radius)
        box = _box(facts.latitude, facts.longitude, ring)
        params = dict(base)
        params.update(
            pool=wanted,
            lat_min=max(box["lat_min"], base["lat_min"]),
            lat_max=min(box["lat_max"], base["lat_max"]),
            lon_min=max(box["lon_min"], base["lon_min"]),
            lon_max=min(box["lon_max"], base["lon_max"]),
        )
        params["tags"] = family_cell_tags(list(tier.codes), params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = [(-float(pre), pk) for pk, pre in cursor.fetchall()]
        if ring >= radius:
            return found
        # Enough rows, the farthest of them inside the ring: everyone outside the box is
        # farther, hence ranks below all of them.
        if len(found) >= wanted and 2 * (tier.value + found[-1][0]) <= ring - 0.001:
            return found
        ring *= RING_GROWTH


def _tiered_pool(facts: VacancyFacts, filters: CandidateFilters, family_level: int) -> list[int]:
    """The ids the single statement would return, in its order, found tier by tier.

    The pre-score of a row is its tier's value minus half its distance, so the rows of a tier
    can beat the pool gathered so far only if they lie within 2 * (value - the pool's worst
    pre-score) km: each tier is read in that smaller box (fewer cells, fewer rows) and the
    search stops as soon as no row of the next tier could enter. A tier needs to give only
    as many rows as the pool holds people it cannot beat (pre-score above the tier's value)
    subtracted from the pool size. Each probe asks only for its tier's codes: the exact
    profession nearby is read first, the broad family last and usually not at all.
    """
    base = _tier_params(facts, filters)
    hard = _hard_filters(facts, filters, base)
    pool: list[tuple[float, int]] = []  # (-pre-score, person id), best first
    for tier in _tiers(facts, base, family_level):
        radius = float(filters.max_km)
        if len(pool) >= POOL_SIZE:
            worst = -pool[POOL_SIZE - 1][0]
            if tier.value < worst:
                break  # tiers come best first: no later row can enter either
            # A tiny margin: the box is computed here, the distance in the database.
            radius = min(radius, 2 * (tier.value - worst) + 0.001)
        unbeatable = sum(1 for pre, _pk in pool if -pre > tier.value)
        found = _tier_rows(tier, facts, base, hard, radius, POOL_SIZE - unbeatable)
        if found:
            pool = sorted(pool + found)[:POOL_SIZE]
    return [pk for _pre, pk in pool]


def _pool_rows(ids: Sequence[int], text: str) -> list[Sequence[Any]]:
    """The profiles of the pool, in the pool's order, with the free-text rank of each."""
    if not ids:
        return []
    sql = _ROWS_SQL.format(
        where="person_id = ANY(%(ids)s)", order="array_position(%(ids)s, person_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": list(ids), "pool": len(ids), "text": text})
        return list(cursor.fetchall())


def candidate_pool(
    facts: VacancyFacts, filters: CandidateFilters, family_level: int, text: str
) -> list[Sequence[Any]]:
    """The bounded pool handed to Python scoring (tiered when the code allows it)."""
    if len(facts.profession_code.split(".")) < 3:
        sql, params = _candidate_sql(facts, filters, family_level)
        params["text"] = text
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    return _pool_rows(_tiered_pool(facts, filters, family_level), text)


# The grid of CandidateProfile.family_cells (migration 0003): cells of 0.25 degrees.
CELL_DEGREES = 0.25


def family_cell_tags(families: Sequence[str], box: Mapping[str, float]) -> list[str]:
    """The "family@cell" tags of every grid cell the box touches, for each family."""
    lat_cells = range(
        math.floor(box["lat_min"] / CELL_DEGREES), math.floor(box["lat_max"] / CELL_DEGREES) + 1
    )
    lon_cells = range(
        math.floor(box["lon_min"] / CELL_DEGREES), math.floor(box["lon_max"] / CELL_DEGREES) + 1
    )
    return [
        f"{family}@{lat}:{lon}" for family in families for lat in lat_cells for lon in lon_cells
    ]


def _cefr_code(position: int) -> str:
    from sil.matching.scoring import cefr

    return cefr(position)


@dataclass(slots=True)
class RankedCandidates:
    matches: list[Match]
    considered: int
    weights_version: str
    filters: CandidateFilters
    missing_place: bool = False


def rank_candidates_detailed(
    vacancy: Vacancy | int,
    *,
    limit: int = 50,
    filters: Mapping[str, Any] | CandidateFilters | None = None,
) -> RankedCandidates:
    chosen = (
        filters if isinstance(filters, CandidateFilters) else CandidateFilters.from_mapping(filters)
    )
    weights = active_weights()
    loaded = _load(vacancy)
    facts = vacancy_facts_many([loaded])[loaded.pk]
    if facts.latitude is None or facts.longitude is None:
        return RankedCandidates([], 0, weights.version, chosen, missing_place=True)
    text = vacancy_text(loaded)
    rows: list[Sequence[Any]] = []
    # The CP3 family first; a thin pool widens once to the CP2 group.
    for level in (3, 2):
        rows = candidate_pool(facts, chosen, level, text)
        if len(rows) >= limit or len(facts.profession_code.split(".")) < 3:
            break
    ranked: list[tuple[float, int, CandidateFacts]] = []
    for row in rows:
        candidate = _candidate(row[:16], row[17])
        if candidate.latitude is not None and (
            haversine_km(facts.latitude, facts.longitude, candidate.latitude, candidate.longitude)  # type: ignore[arg-type]
            > chosen.max_km
        ):
            continue
        quick = quick_score(facts, candidate, weights.weights)
        if quick.excluded_by or quick.score < chosen.min_score:
            continue
        ranked.append((-quick.score, candidate.person_id, candidate))
    ranked.sort(key=lambda item: (item[0], item[1]))
    # Only the shown top gets its explanations (same numbers, translated sentences).
    matches = [
        score(facts, candidate, weights.weights, weights.version)
        for _score, _pk, candidate in ranked[:limit]
    ]
    return RankedCandidates(matches, len(rows), weights.version, chosen)


def rank_candidates(
    vacancy: Vacancy | int,
    *,
    limit: int = 50,
    filters: Mapping[str, Any] | CandidateFilters | None = None,
) -> list[Match]:
    """The best `limit` available candidates for a vacancy, each with its explanation."""
    return rank_candidates_detailed(vacancy, limit=limit, filters=filters).matches


# --- one person ----------------------------------------------------------------------------


def _profile_row(person_id: int) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_PROFILE_COLUMNS} FROM {CandidateProfile._meta.db_table} "  # noqa: S608
            "WHERE person_id = %s",
            [person_id],
        )
        row = cursor.fetchone()
    return tuple(row) if row else None


def candidate_facts(person: Person | int) -> CandidateFacts | None:
    """The person's profile as facts; built on the spot if the worker has not yet made it."""
    pk = person if isinstance(person, int) else person.pk
    row = _profile_row(pk)
    if row is None:
        refresh_profiles([pk])
        row = _profile_row(pk)
    return _candidate(row) if row else None


def _text_ranks(person_id: int, vacancies: Iterable[Vacancy]) -> dict[int, float]:
    pairs = [(v.pk, vacancy_text(v)) for v in vacancies]
    if not pairs:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
SELECT t.id, coalesce(ts_rank(cp.search,
       NULLIF(replace(plainto_tsquery('{TS_CONFIG}', t.text)::text, ' & ', ' | '), '')::tsquery,
       32), 0)
FROM unnest(%(ids)s::bigint[], %(texts)s::text[]) AS t(id, text)
JOIN {CandidateProfile._meta.db_table} cp ON cp.person_id = %(person)s
""",  # noqa: S608
            {"ids": [p[0] for p in pairs], "texts": [p[1] for p in pairs], "person": person_id},
        )
        return {row[0]: float(row[1]) for row in cursor.fetchall()}


def explain(vacancy: Vacancy | int, person: Person | int) -> Match:
    """Score one pair (a citizen's own application, a shortlisted person) with explanations."""
    weights = active_weights()
    loaded = _load(vacancy)
    facts = vacancy_facts_many([loaded])[loaded.pk]
    candidate = candidate_facts(person)
    pk = person if isinstance(person, int) else person.pk
    if candidate is None:  # merged person: nothing to match
        candidate = CandidateFacts(pk, frozenset(), frozenset(), {}, None, None, "", None)
    rank = _text_ranks(pk, [loaded]).get(loaded.pk, 0.0)
    candidate = _with_rank(candidate, rank)
    return score(facts, candidate, weights.weights, weights.version)


def _with_rank(candidate: CandidateFacts, rank: float) -> CandidateFacts:
    from dataclasses import replace

    return replace(candidate, text_rank=rank)


VACANCY_POOL = 300


def rank_vacancies(person: Person | int, *, limit: int = 20) -> list[Match]:
    """The published vacancies that fit a person best, each with its explanation."""
    candidate = candidate_facts(person)
    if candidate is None or candidate.latitude is None or candidate.longitude is None:
        return []
    weights = active_weights()
    radius = max(candidate.mobility_radius_km or 0, DEFAULT_MAX_KM)
    params: dict[str, Any] = {
        "published": "published",
        "families": sorted({cp_prefix(c, 3) for c in candidate.professions if c.count(".") >= 2}),
        "isco": sorted(candidate.isco_codes),
        "lat": candidate.latitude,
        "lon": candidate.longitude,
        "kx": KM_PER_DEGREE * math.cos(math.radians(candidate.latitude)),
        "pool": VACANCY_POOL,
        **_box(candidate.latitude, candidate.longitude, radius),
    }
    profession_clause = "true"
    if params["families"] or params["isco"]:
        profession_clause = (
            "(split_part(pr.code, '.', 1) || '.' || split_part(pr.code, '.', 2) || '.' "
            "|| split_part(pr.code, '.', 3) = ANY(%(families)s) OR ig.code = ANY(%(isco)s))"
        )
    sql = f"""
SELECT v.id FROM {Vacancy._meta.db_table} v
JOIN {Profession._meta.db_table} pr ON pr.id = v.profession_id
JOIN territory_municipality m ON m.id = v.municipality_id
LEFT JOIN classifications_escooccupation eo ON eo.id = v.esco_occupation_id
LEFT JOIN classifications_iscogroup ig ON ig.id = eo.isco_group_id
WHERE v.state = %(published)s AND {profession_clause}
  AND m.latitude BETWEEN %(lat_min)s AND %(lat_max)s
  AND m.longitude BETWEEN %(lon_min)s AND %(lon_max)s
ORDER BY sqrt(power((m.latitude - %(lat)s) * {KM_PER_DEGREE}, 2)
              + power((m.longitude - %(lon)s) * %(kx)s, 2)), v.id
LIMIT %(pool)s
"""  # noqa: S608 - identifiers are ours, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    vacancies = list(_vacancy_queryset().filter(pk__in=ids))
    facts = vacancy_facts_many(vacancies)
    ranks = _text_ranks(candidate.person_id, vacancies)
    matches = []
    for v in vacancies:
        match = score(
            facts[v.pk],
            _with_rank(candidate, ranks.get(v.pk, 0.0)),
            weights.weights,
            weights.version,
        )
        if not match.excluded_by:
            matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.vacancy_id))
    return matches[:limit]
