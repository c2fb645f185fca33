"""Candidate duplicate people, found in SQL (no pairwise loop in Python).

Three rules give a pair a reason, each with a weight; a pair's score combines the weights of
all its reasons as independent evidence (1 - Π(1 - w)), so more reasons mean a higher score:

* ``same_base_fiscal_code``: the codes are omocodic variants of each other (same code once the
  omocodic letters are turned back into digits). Different people can share a base code, which
  is exactly why omocodia exists, so this is a candidate, never a proof.
* ``same_identity``: same surname, name, birth date and birthplace (case and accents ignored).
* ``similar_name``: same birth date and trigram similarity of the full names (also with surname
  and name swapped) at least ``threshold``; the weight grows with the similarity.

Merging is not done here: this module only points at pairs for an operator to review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from sil.people.models import Person
from sil.territory.models import Country, Municipality

BASE_CODE_WEIGHT = 0.6
IDENTITY_WEIGHT = 0.8
SIMILAR_NAME_WEIGHT = 0.7  # times the similarity
DEFAULT_THRESHOLD = 0.5
DEFAULT_LIMIT = 1000

REASONS = ("same_base_fiscal_code", "same_identity", "similar_name")


@dataclass(frozen=True)
class DuplicatePair:
    first_id: int
    second_id: int
    reasons: tuple[str, ...]
    score: float
    similarity: float | None = None
    people: tuple[Person, Person] | None = field(default=None, compare=False)


def _omocodia_undone(column: str, start: int, length: int) -> str:
    return f"translate(substr({column}, {start}, {length}), 'LMNPQRSTUV', '0123456789')"


def _base15(column: str) -> str:
    """SQL for the first 15 characters of the base code (omocodic letters back to digits)."""
    return (
        f"CASE WHEN length({column}) = 16 THEN substr({column}, 1, 6) || "
        f"{_omocodia_undone(column, 7, 2)} || substr({column}, 9, 1) || "
        f"{_omocodia_undone(column, 10, 2)} || substr({column}, 12, 1) || "
        f"{_omocodia_undone(column, 13, 3)} END"
    )


_SQL = """
WITH p AS MATERIALIZED (
    SELECT person.id,
           person.birth_date,
           upper(sil_unaccent(person.last_name)) AS last_key,
           upper(sil_unaccent(person.first_name)) AS first_key,
           coalesce(municipality.cadastral_code, country.cadastral_code, '') AS place,
           {base15} AS base15
      FROM {person} person
      LEFT JOIN {municipality} municipality ON municipality.id = person.birth_municipality_id
      LEFT JOIN {country} country ON country.id = person.birth_country_id
     {scope}
),
pairs AS (
    SELECT least(a.id, b.id) AS first_id, greatest(a.id, b.id) AS second_id,
           'same_base_fiscal_code' AS reason, %(base_weight)s::float AS weight,
           NULL::float AS similarity
      FROM p a JOIN p b ON a.base15 = b.base15 AND {pair}
    UNION ALL
    SELECT least(a.id, b.id), greatest(a.id, b.id), 'same_identity', %(identity_weight)s, NULL
      FROM p a JOIN p b
        ON a.last_key = b.last_key AND a.first_key = b.first_key
       AND a.birth_date = b.birth_date AND a.place = b.place AND {pair}
     WHERE a.place <> ''
    UNION ALL
    SELECT first_id, second_id, 'similar_name', %(similar_weight)s * similarity, similarity
      FROM (
        SELECT least(a.id, b.id) AS first_id, greatest(a.id, b.id) AS second_id,
               greatest(
                   similarity(a.last_key || ' ' || a.first_key, b.last_key || ' ' || b.first_key),
                   similarity(a.last_key || ' ' || a.first_key, b.first_key || ' ' || b.last_key)
               ) AS similarity,
               a.last_key = b.last_key AND a.first_key = b.first_key
                   AND a.place = b.place AND a.place <> '' AS identical
          FROM p a JOIN p b ON a.birth_date = b.birth_date AND {pair}
      ) scored
     WHERE similarity >= %(threshold)s AND NOT identical
)
SELECT first_id, second_id,
       array_agg(DISTINCT reason ORDER BY reason) AS reasons,
       1 - exp(sum(ln(1 - least(weight, 0.999)))) AS score,
       max(similarity) AS similarity
  FROM pairs
 GROUP BY first_id, second_id
 ORDER BY score DESC, first_id, second_id
 LIMIT %(limit)s
"""


def find_duplicates(
    *,
    people: QuerySet[Person] | None = None,
    involving: Iterable[int] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    with_people: bool = False,
) -> list[DuplicatePair]:
    """Candidate pairs, best first.

    `people` restricts both sides of a pair (e.g. an office's people); `involving` keeps only
    pairs with at least one of these ids (the duplicates of one person), compared with everyone
    in `people`. `with_people` loads both people of each pair (one query).
    """
    params: dict[str, Any] = {
        "base_weight": BASE_CODE_WEIGHT,
        "identity_weight": IDENTITY_WEIGHT,
        "similar_weight": SIMILAR_NAME_WEIGHT,
        "threshold": threshold,
        "limit": limit,
    }
    scope = ""
    if people is not None:
        sql, scope_params = people.values("id").query.sql_with_params()
        # The queryset's positional placeholders become named ones, like the rest of _SQL.
        for number, value in enumerate(scope_params):
            sql = sql.replace("%s", f"%(scope_{number})s", 1)
            params[f"scope_{number}"] = value
        scope = f"WHERE person.id IN ({sql})"
    if involving is not None:
        params["involving"] = list(involving)
        pair = "a.id <> b.id AND a.id = ANY(%(involving)s)"
    else:
        pair = "a.id < b.id"
    query = _SQL.format(
        base15=_base15("person.fiscal_code"),
        person=connection.ops.quote_name(Person._meta.db_table),
        municipality=connection.ops.quote_name(Municipality._meta.db_table),
        country=connection.ops.quote_name(Country._meta.db_table),
        scope=scope,
        pair=pair,
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    loaded: dict[int, Person] = {}
    if with_people and rows:
        ids = {row[0] for row in rows} | {row[1] for row in rows}
        loaded = Person.objects.with_places().in_bulk(ids)
    return [
        DuplicatePair(
            first_id=first,
            second_id=second,
            reasons=tuple(reasons),
            score=round(float(score), 4),
            similarity=None if similarity is None else round(float(similarity), 4),
            people=(loaded[first], loaded[second]) if loaded else None,
        )
        for first, second, reasons, score, similarity in rows
    ]


def duplicates_of(person: Person, *, threshold: float = DEFAULT_THRESHOLD) -> list[DuplicatePair]:
    """The candidate duplicates of one person."""
    return find_duplicates(involving=[person.pk], threshold=threshold)
