"""Building candidate profiles with one set-based statement (INSERT … SELECT … ON CONFLICT).

The same SQL serves one person (after a change, from the worker), a batch of ids and the whole
registry (`sil matching rebuild`): there is a single definition of what a profile holds.
Who is "available for work": a person with a DID in force whose state is `active` or
`conserved` (still unemployed in law). A `suspended` DID means a short job is under way: the
person is not proposed until it ends. Merged people get no profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from sil.classifications.models import (
    ContractType,
    EducationLevel,
    EscoOccupation,
    EscoProfessionMapping,
    IscoGroup,
    LanguageLevel,
    Profession,
)
from sil.did.models import Did, DidState
from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    ItSkill,
    LanguageSkill,
    OtherLicence,
    TrainingCourse,
    WorkExperience,
)
from sil.matching.models import CandidateProfile
from sil.people.models import Person
from sil.territory.models import Municipality

AVAILABLE_STATES = (DidState.ACTIVE.value, DidState.CONSERVED.value)
TS_CONFIG = "matching_italian"

# Driving categories a held one lets you drive too (Codice della strada, art. 116, simplified).
LICENCE_IMPLIES: dict[str, tuple[str, ...]] = {
    "A1": ("AM",),
    "A2": ("A1", "AM"),
    "A": ("A2", "A1", "AM"),
    "B1": ("AM",),
    "B": ("B1", "AM"),
    "BE": ("B", "B1", "AM"),
    "C1": ("B", "B1", "AM"),
    "C1E": ("C1", "BE", "B", "B1", "AM"),
    "C": ("C1", "B", "B1", "AM"),
    "CE": ("C", "C1", "C1E", "BE", "B", "B1", "AM"),
    "D1": ("B", "B1", "AM"),
    "D1E": ("D1", "BE", "B", "B1", "AM"),
    "D": ("D1", "B", "B1", "AM"),
    "DE": ("D", "D1", "D1E", "BE", "B", "B1", "AM"),
}


def _t(model: Any) -> str:
    return str(model._meta.db_table)


def _licence_values() -> str:
    pairs = [(held, held) for held in LICENCE_IMPLIES] + [
        (held, implied) for held, implied_all in LICENCE_IMPLIES.items() for implied in implied_all
    ]
    return ", ".join(f"('{held}', '{implied}')" for held, implied in pairs)


def refresh_sql(cond: Callable[[str], str]) -> str:
    """The upsert of the profiles of the people selected by `cond(person id column)`."""
    through = Availability.contract_types.through
    return f"""
WITH
people AS (
  SELECT p.id, p.competent_office_id,
         coalesce(p.domicile_municipality_id, p.residence_municipality_id) AS municipality_id
  FROM {_t(Person)} p
  WHERE p.merged_into_id IS NULL AND {cond("p.id")}
),
did AS (
  SELECT DISTINCT ON (d.person_id) d.person_id, d.state, d.did_date
  FROM {_t(Did)} d
  WHERE {cond("d.person_id")}
  ORDER BY d.person_id, (d.ended_on IS NULL) DESC, d.did_date DESC, d.id DESC
),
exp AS (
  SELECT w.person_id, pr.code,
         sum(greatest(0, coalesce(w.end_date, current_date) - w.start_date)) / 30.44 AS months
  FROM {_t(WorkExperience)} w JOIN {_t(Profession)} pr ON pr.id = w.profession_id
  WHERE {cond("w.person_id")}
  GROUP BY 1, 2
),
exp_levels AS (
  SELECT e.person_id, array_to_string(e.parts[1:n], '.') AS code, sum(e.months) AS months
  FROM (SELECT person_id, string_to_array(code, '.') AS parts, months FROM exp) e,
       generate_series(1, array_length(e.parts, 1)) AS n
  GROUP BY 1, 2
),
prof AS (
  SELECT person_id, array_agg(code ORDER BY code) AS professions,
         jsonb_object_agg(code, round(months)::int)
           FILTER (WHERE array_length(string_to_array(code, '.'), 1) >= 3) AS months
  FROM exp_levels GROUP BY 1
),
leaves AS (
  SELECT person_id, array_agg(code ORDER BY code) AS codes FROM exp GROUP BY 1
),
isco AS (
  SELECT e.person_id, array_agg(DISTINCT ig.code) AS codes
  FROM exp e
  JOIN {_t(Profession)} p11 ON p11.system = 'cp2011' AND p11.code = e.code
  JOIN {_t(EscoProfessionMapping)} m ON m.profession_id = p11.id
  JOIN {_t(EscoOccupation)} o ON o.id = m.occupation_id
  JOIN {_t(IscoGroup)} ig ON ig.id = o.isco_group_id
  GROUP BY 1
),
edu AS (
  SELECT DISTINCT ON (e.person_id) e.person_id, l.position, l.name
  FROM {_t(Education)} e JOIN {_t(EducationLevel)} l ON l.id = e.level_id
  WHERE {cond("e.person_id")}
  ORDER BY e.person_id, l.position DESC
),
lang_held AS (
  SELECT s.person_id, s.language,
         least(u.position, sp.position, wr.position) AS position
  FROM {_t(LanguageSkill)} s
  LEFT JOIN {_t(LanguageLevel)} u ON u.id = s.understanding_id
  LEFT JOIN {_t(LanguageLevel)} sp ON sp.id = s.speaking_id
  LEFT JOIN {_t(LanguageLevel)} wr ON wr.id = s.writing_id
  WHERE {cond("s.person_id")}
),
lang AS (
  SELECT h.person_id,
         array_agg(h.language || ':' || ll.code ORDER BY h.language, ll.position) AS tags,
         jsonb_object_agg(h.language, h.position) AS levels
  FROM lang_held h JOIN {_t(LanguageLevel)} ll ON ll.position <= h.position
  WHERE h.position IS NOT NULL
  GROUP BY 1
),
lic AS (
  SELECT d.person_id, array_agg(DISTINCT coalesce(i.implied, d.category)) AS cats
  FROM {_t(DrivingLicence)} d
  LEFT JOIN (VALUES {_licence_values()}) AS i(held, implied) ON i.held = d.category
  WHERE {cond("d.person_id")}
  GROUP BY 1
),
other AS (
  SELECT person_id, array_agg(name ORDER BY name) AS names,
         string_agg(name, ' ') AS text
  FROM {_t(OtherLicence)} WHERE {cond("person_id")} GROUP BY 1
),
avail AS (
  SELECT a.person_id, a.mobility_radius_km, a.working_time, a.shifts, a.notes,
         array_remove(array_agg(ct.code ORDER BY ct.code), NULL) AS contracts
  FROM {_t(Availability)} a
  LEFT JOIN {_t(through)} act ON act.availability_id = a.id
  LEFT JOIN {_t(ContractType)} ct ON ct.id = act.contracttype_id
  WHERE {cond("a.person_id")}
  GROUP BY a.id
),
words AS (
  SELECT person_id, string_agg(text, ' ') AS text FROM (
    SELECT w.person_id, concat_ws(' ', pr.name, w.duties) AS text
      FROM {_t(WorkExperience)} w LEFT JOIN {_t(Profession)} pr ON pr.id = w.profession_id
      WHERE {cond("w.person_id")}
    UNION ALL SELECT person_id, title FROM {_t(TrainingCourse)} WHERE {cond("person_id")}
    UNION ALL SELECT person_id, name FROM {_t(ItSkill)} WHERE {cond("person_id")}
    UNION ALL SELECT person_id, title FROM {_t(Education)} WHERE {cond("person_id")}
  ) t GROUP BY 1
)
INSERT INTO {_t(CandidateProfile)} AS cp (
  person_id, available, did_state, did_date, office_id, municipality_id, municipality_name,
  province_code, latitude, longitude, mobility_radius_km, professions, profession_codes,
  isco_codes, experience_months, education_position, education_name, languages,
  language_levels, driving_licences, other_licences, contract_types, working_time, shifts,
  l68_listed, search, updated_at
)
SELECT people.id,
       coalesce(did.state IN ({", ".join(f"'{s}'" for s in AVAILABLE_STATES)}), false),
       coalesce(did.state, ''), did.did_date, people.competent_office_id,
       people.municipality_id, coalesce(m.name, ''), coalesce(m.province_code, ''),
       m.latitude, m.longitude, avail.mobility_radius_km,
       coalesce(prof.professions, '{{}}'), coalesce(leaves.codes, '{{}}'),
       coalesce(isco.codes, '{{}}'), coalesce(prof.months, '{{}}'::jsonb),
       edu.position, coalesce(left(edu.name, 200), ''),
       coalesce(lang.tags, '{{}}'), coalesce(lang.levels, '{{}}'::jsonb),
       coalesce(lic.cats, '{{}}'), coalesce(other.names, '{{}}'),
       coalesce(avail.contracts, '{{}}'), coalesce(avail.working_time, 'any'),
       coalesce(avail.shifts, false), false,
       to_tsvector('{TS_CONFIG}', concat_ws(' ', words.text, other.text, avail.notes)),
       now()
FROM people
LEFT JOIN {_t(Municipality)} m ON m.id = people.municipality_id
LEFT JOIN did ON did.person_id = people.id
LEFT JOIN prof ON prof.person_id = people.id
LEFT JOIN leaves ON leaves.person_id = people.id
LEFT JOIN isco ON isco.person_id = people.id
LEFT JOIN edu ON edu.person_id = people.id
LEFT JOIN lang ON lang.person_id = people.id
LEFT JOIN lic ON lic.person_id = people.id
LEFT JOIN other ON other.person_id = people.id
LEFT JOIN avail ON avail.person_id = people.id
LEFT JOIN words ON words.person_id = people.id
ON CONFLICT (person_id) DO UPDATE SET
  available = EXCLUDED.available, did_state = EXCLUDED.did_state,
  did_date = EXCLUDED.did_date, office_id = EXCLUDED.office_id,
  municipality_id = EXCLUDED.municipality_id, municipality_name = EXCLUDED.municipality_name,
  province_code = EXCLUDED.province_code, latitude = EXCLUDED.latitude,
  longitude = EXCLUDED.longitude, mobility_radius_km = EXCLUDED.mobility_radius_km,
  professions = EXCLUDED.professions, profession_codes = EXCLUDED.profession_codes,
  isco_codes = EXCLUDED.isco_codes, experience_months = EXCLUDED.experience_months,
  education_position = EXCLUDED.education_position,
  education_name = EXCLUDED.education_name, languages = EXCLUDED.languages,
  language_levels = EXCLUDED.language_levels, driving_licences = EXCLUDED.driving_licences,
  other_licences = EXCLUDED.other_licences, contract_types = EXCLUDED.contract_types,
  working_time = EXCLUDED.working_time, shifts = EXCLUDED.shifts,
  l68_listed = EXCLUDED.l68_listed, search = EXCLUDED.search, updated_at = EXCLUDED.updated_at
-- Unchanged profiles are not rewritten: a rebuild of an up-to-date registry writes nothing
-- (no dead rows, no index churn) and `updated_at` tells when a profile last changed.
WHERE
  (cp.available, cp.did_state, cp.did_date, cp.office_id, cp.municipality_id,
   cp.municipality_name, cp.province_code, cp.latitude, cp.longitude, cp.mobility_radius_km,
   cp.professions, cp.profession_codes, cp.isco_codes, cp.experience_months,
   cp.education_position, cp.education_name, cp.languages, cp.language_levels,
   cp.driving_licences, cp.other_licences, cp.contract_types, cp.working_time, cp.shifts,
   cp.l68_listed, cp.search)
  IS DISTINCT FROM
  (EXCLUDED.available, EXCLUDED.did_state, EXCLUDED.did_date, EXCLUDED.office_id,
   EXCLUDED.municipality_id, EXCLUDED.municipality_name, EXCLUDED.province_code,
   EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.mobility_radius_km, EXCLUDED.professions,
   EXCLUDED.profession_codes, EXCLUDED.isco_codes, EXCLUDED.experience_months,
   EXCLUDED.education_position, EXCLUDED.education_name, EXCLUDED.languages,
   EXCLUDED.language_levels, EXCLUDED.driving_licences, EXCLUDED.other_licences,
   EXCLUDED.contract_types, EXCLUDED.working_time, EXCLUDED.shifts, EXCLUDED.l68_listed,
   EXCLUDED.search)
"""  # noqa: S608 - identifiers are ours, values are parameters


def refresh_profiles(person_ids: Iterable[int]) -> int:
    """Recompute the profiles of these people (and drop those of people merged or gone).

    Returns how many profiles were written (new or changed).
    """
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(refresh_sql(lambda col: f"{col} = ANY(%(ids)s)"), {"ids": ids})
        written = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {_t(CandidateProfile)} cp USING {_t(Person)} p "  # noqa: S608
            "WHERE cp.person_id = ANY(%(ids)s) AND p.id = cp.person_id "
            "AND p.merged_into_id IS NOT NULL",
            {"ids": ids},
        )
    return int(written)


def refresh_range(low: int, high: int) -> int:
    """Recompute the profiles of the people with low <= id <= high (bulk rebuild).

    Returns how many profiles were written (new or changed).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            refresh_sql(lambda col: f"{col} BETWEEN %(low)s AND %(high)s"),
            {"low": low, "high": high},
        )
        return int(cursor.rowcount)


def vacuum_profiles() -> None:
    """VACUUM (ANALYZE) the profile table after a bulk rebuild.

    Rewriting every profile leaves a dead copy of each row: until it is vacuumed the ranking
    reads twice the pages, and fresh statistics keep the planner on the selective indexes.
    Must run outside a transaction (VACUUM cannot run in one).
    """
    if connection.in_atomic_block:
        raise RuntimeError("vacuum_profiles() cannot run inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {_t(CandidateProfile)}")


def changed_since(since: dt.datetime) -> list[int]:
    """People whose registry row, DID or dossier changed since `since`."""
    tables: Sequence[tuple[Any, str]] = (
        (Person, "id"),
        (Did, "person_id"),
        (Education, "person_id"),
        (TrainingCourse, "person_id"),
        (WorkExperience, "person_id"),
        (LanguageSkill, "person_id"),
        (ItSkill, "person_id"),
        (DrivingLicence, "person_id"),
        (OtherLicence, "person_id"),
        (Availability, "person_id"),
    )
    union = " UNION ".join(
        f"SELECT {column} FROM {_t(model)} WHERE updated_at >= %(since)s"  # noqa: S608
        for model, column in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(union, {"since": since})
        return [row[0] for row in cursor.fetchall()]
