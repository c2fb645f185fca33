"""The synthetic Region: people with valid codici fiscali, DIDs and dossiers, at any size.

Deterministic: person `i` of seed `s` is always the same. People are made in fixed chunks of
`CHUNK` (person i belongs to chunk i // CHUNK), each from its own random generator seeded with
(seed, chunk), so the first N people of a longer run are the N of a shorter one. Each chunk is
written in its own transaction (people through the COPY loader of sil.people.bulk, then DIDs
and dossier rows by COPY) together with a `core.BulkLoad` record keyed by seed and chunk: a
re-run skips what is loaded and a larger N adds only the new people.

Codes: `sil.core.fiscal_code.encode` on the person's data; a code already taken (by an earlier
person of the run or anyone in the database) gets the next omocodic variant, as the Agenzia
delle Entrate does. A small share of people are deliberate namesakes of the previous person
(same names, birth date and birthplace), so omocodia is always present.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from faker.providers.person.it_IT import Provider as ItalianNames

from sil.classifications.models import (
    ContractType,
    EconomicActivity,
    EducationLevel,
    LanguageLevel,
    Profession,
    ProfessionSystem,
)
from sil.core import fiscal_code as cf
from sil.core.models import BulkLoad
from sil.did.models import Did, DidEvent, Suspension
from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    LanguageSkill,
    WorkExperience,
)
from sil.people import bulk
from sil.people.importer import ImportReport
from sil.people.models import Person
from sil.scale.sections import Progress
from sil.territory.models import Country, Municipality

CHUNK = 50_000
KIND = "demo_data"
DEFAULT_SEED = 20261122
CAMPANIA_PROVINCES = ("AV", "BN", "CE", "NA", "SA")
# Fixed, so that the people do not change from one day to the next.
REFERENCE_DATE = dt.date(2026, 1, 1)
MIN_AGE, MAX_AGE = 18, 64
BORN_ABROAD_SHARE = 0.10
BORN_IN_REGION_SHARE = 0.80  # of those born in Italy
NAMESAKE_SHARE = 0.003
OTHER_DOMICILE_SHARE = 0.08
DID_SHARE = 0.55
EMAIL_SHARE = 0.7
EMAIL_DOMAIN = "esempio.invalid"  # reserved: never delivered
# Foreign birth countries (Italian names as in the Belfiore table) and citizenships, by weight.
FOREIGN = (
    ("Romania", "RO", 20),
    ("Ucraina", "UA", 10),
    ("Marocco", "MA", 9),
    ("Albania", "AL", 8),
    ("Sri Lanka", "LK", 6),
    ("Bangladesh", "BD", 5),
    ("Cina", "CN", 5),
    ("India", "IN", 5),
    ("Nigeria", "NG", 4),
    ("Pakistan", "PK", 4),
    ("Polonia", "PL", 4),
    ("Bulgaria", "BG", 3),
    ("Senegal", "SN", 3),
    ("Tunisia", "TN", 3),
    ("Germania", "DE", 3),
)
STREETS = ("Via", "Via", "Via", "Viale", "Piazza", "Corso", "Vico", "Traversa")
LANGUAGES = (("en", 0.45), ("fr", 0.15), ("es", 0.08), ("de", 0.06))
WORKING_TIMES = ("any", "full", "part")
COMPANY_SUFFIXES = ("S.r.l.", "S.r.l.s.", "S.p.A.", "S.n.c.", "& C. S.a.s.", "Soc. Coop.")


def _weighted(items: Sequence[Any], weights: Sequence[float]) -> tuple[list[Any], list[float]]:
    return list(items), list(accumulate(weights))


def _pick(rng: random.Random, table: tuple[list[Any], list[float]]) -> Any:
    items, cumulative = table
    return items[bisect_right(cumulative, rng.random() * cumulative[-1], hi=len(items) - 1)]


def _zipf(names: Sequence[str], seed: str) -> tuple[list[str], list[float]]:
    """Names with Zipf-like weights (a few very common, a long tail), in a seeded order."""
    ordered = sorted(set(names))
    random.Random(seed).shuffle(ordered)  # noqa: S311 - synthetic data
    return _weighted(ordered, [1 / (rank + 8) for rank in range(len(ordered))])


@dataclass
class Place:
    id: int
    cadastral_code: str
    label: str


@dataclass
class Reference:
    """What the generator draws from; loaded once per run."""

    residences: tuple[list[Place], list[float]]
    italy: tuple[list[Place], list[float]]
    periods: dict[str, list[tuple[dt.date | None, dt.date | None]]]
    countries: tuple[list[tuple[Place, str]], list[float]]
    male: tuple[list[str], list[float]]
    female: tuple[list[str], list[float]]
    surnames: tuple[list[str], list[float]]
    education_levels: list[int] = field(default_factory=list)
    professions: list[int] = field(default_factory=list)
    activities: list[int] = field(default_factory=list)
    contract_types: list[int] = field(default_factory=list)
    language_levels: list[int] = field(default_factory=list)

    @classmethod
    def load(cls, provinces: Sequence[str] = CAMPANIA_PROVINCES) -> Reference:
        current = list(
            Municipality.objects.current().values_list(
                "id", "cadastral_code", "name", "province_code", "population"
            )
        )
        regional = [m for m in current if m[3] in provinces]
        if not regional:
            raise ValueError(_("Nessun comune nelle province indicate: caricare i dati."))

        def weights(rows: list[Any]) -> list[float]:
            known = [row[4] for row in rows if row[4]]
            fallback = (sum(known) / len(known)) if known else 1.0
            return [float(row[4] or fallback) for row in rows]

        def places(rows: list[Any]) -> list[Place]:
            return [Place(row[0], row[1], f"{row[2]} ({row[3]})") for row in rows]

        periods: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
        for code, start, end in Municipality.objects.values_list(
            "cadastral_code", "valid_from", "valid_to"
        ):
            periods.setdefault(code, []).append((start, end))
        by_name = {
            name.lower(): (pk, code)
            for pk, code, name in Country.objects.filter(
                is_active=True, valid_to__isnull=True
            ).values_list("id", "cadastral_code", "name")
        }
        foreign = [
            ((Place(by_name[name.lower()][0], by_name[name.lower()][1], name), iso), weight)
            for name, iso, weight in FOREIGN
            if name.lower() in by_name
        ]
        if not foreign:  # no table of states: everybody is born in Italy
            foreign = []
        for code, _start, _end in Country.objects.values_list(
            "cadastral_code", "valid_from", "valid_to"
        ):
            periods.setdefault(code, [])
        for code, start, end in Country.objects.values_list(
            "cadastral_code", "valid_from", "valid_to"
        ):
            periods[code].append((start, end))
        editions = set(EconomicActivity.objects.values_list("edition", flat=True))
        edition = "2025" if "2025" in editions else max(editions, default="")
        activities = list(
            EconomicActivity.objects.filter(edition=edition, code__regex=r"^\d\d\.\d\d\.\d\d$")
            .order_by("code")
            .values_list("id", flat=True)
        )
        return cls(
            residences=_weighted(places(regional), weights(regional)),
            italy=_weighted(places(current), weights(current)),
            periods=periods,
            countries=_weighted([f[0] for f in foreign], [f[1] for f in foreign]),
            male=_zipf(ItalianNames.first_names_male, "male"),
            female=_zipf(ItalianNames.first_names_female, "female"),
            surnames=_zipf(ItalianNames.last_names, "surnames"),
            education_levels=list(
                EducationLevel.objects.exclude(code="NED")
                .order_by("position", "code")
                .values_list("id", flat=True)
            ),
            professions=list(
                Profession.objects.filter(system=ProfessionSystem.CP2011, level=5)
                .order_by("code")
                .values_list("id", flat=True)
            ),
            activities=activities,
            contract_types=list(
                ContractType.objects.filter(is_active=True)
                .order_by("code")
                .values_list("id", flat=True)
            ),
            language_levels=list(
                LanguageLevel.objects.order_by("position").values_list("id", flat=True)
            ),
        )

    def valid_on(self, code: str, day: dt.date) -> bool:
        return any(
            (start is None or start <= day) and (end is None or end >= day)
            for start, end in self.periods.get(code, ())
        )


@dataclass
class Synthetic:
    """One person as drawn, before the code collisions are settled."""

    index: int
    last_name: str
    first_name: str
    sex: str
    birth_date: dt.date
    birthplace: Place
    citizenship: str
    residence: Place
    domicile: Place | None
    address: str
    email: str
    phone: str
    dossier_seed: int
    code: str = ""


def _plain(text: str) -> str:
    return cf.plain_letters(text).lower()


def draw_chunk(ref: Reference, seed: int, chunk: int, stop: int) -> list[Synthetic]:
    """People 0…stop-1 of the chunk (always drawn from the chunk's start: prefix-stable)."""
    rng = random.Random(f"{seed}:{chunk}")  # noqa: S311 - synthetic data
    people: list[Synthetic] = []
    first_day = REFERENCE_DATE.toordinal() - MAX_AGE * 365
    last_day = REFERENCE_DATE.toordinal() - MIN_AGE * 365 - 5
    for offset in range(stop):
        index = chunk * CHUNK + offset
        sex = "M" if rng.random() < 0.5 else "F"
        first_name = _pick(rng, ref.male if sex == "M" else ref.female)
        last_name = _pick(rng, ref.surnames)
        birth_date = dt.date.fromordinal(rng.randint(first_day, last_day))
        born_abroad = rng.random() < BORN_ABROAD_SHARE and bool(ref.countries[0])
        in_region = rng.random() < BORN_IN_REGION_SHARE
        residence = _pick(rng, ref.residences)
        if born_abroad:
            country, iso = _pick(rng, ref.countries)
            birthplace, citizenship = country, (iso if rng.random() < 0.75 else "IT")
        else:
            citizenship = "IT"
            birthplace = residence
            for _attempt in range(6):
                candidate = _pick(rng, ref.residences if in_region else ref.italy)
                if ref.valid_on(candidate.cadastral_code, birth_date):
                    birthplace = candidate
                    break
        if not ref.valid_on(birthplace.cadastral_code, birth_date):
            # No drawn place existed then (rare): the residence's own chief town would do, but
            # keep it simple and move the birth to a day the residence existed.
            birth_date = REFERENCE_DATE - dt.timedelta(days=MIN_AGE * 365 + 5)
        if people and rng.random() < NAMESAKE_SHARE:
            twin = people[-1]
            last_name, first_name, sex = twin.last_name, twin.first_name, twin.sex
            birth_date, birthplace = twin.birth_date, twin.birthplace
        domicile = _pick(rng, ref.residences) if rng.random() < OTHER_DOMICILE_SHARE else None
        number = rng.randint(1, 220)
        address = f"{rng.choice(STREETS)} {_pick(rng, ref.surnames)} {number}"
        email = ""
        if rng.random() < EMAIL_SHARE:
            email = f"{_plain(first_name)}.{_plain(last_name)}{index}@{EMAIL_DOMAIN}"
        mobile = f"3{rng.randint(20, 99)} {rng.randint(1_000_000, 9_999_999)}"
        phone = f"+39 {mobile}" if rng.random() < 0.6 else mobile
        people.append(
            Synthetic(
                index=index,
                last_name=last_name,
                first_name=first_name,
                sex=sex,
                birth_date=birth_date,
                birthplace=birthplace,
                citizenship=citizenship,
                residence=residence,
                domicile=domicile,
                address=address,
                email=email,
                phone=phone,
                dossier_seed=rng.getrandbits(48),
            )
        )
    return people


def _taken(codes: Sequence[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fiscal_code FROM people_person WHERE fiscal_code = ANY(%s)", [list(codes)]
        )
        return {row[0] for row in cursor.fetchall()}


def assign_codes(people: list[Synthetic], used: set[str]) -> None:
    """Codes in order: a code taken by an earlier person (or in the database) → next variant.

    `used` holds the codes given so far in this chunk and not yet written; it is updated.
    Earlier chunks are in the database, so the result does not depend on resuming.
    """
    bases = [
        cf.encode(
            last_name=p.last_name,
            first_name=p.first_name,
            sex=p.sex,
            birth_date=p.birth_date,
            cadastral_code=p.birthplace.cadastral_code,
        )
        for p in people
    ]
    # Ask the database once for the base codes and their first variant, then as needed.
    in_db = _taken([*bases, *(cf.omocodic_variant(b, 1) for b in bases)])
    for person, base in zip(people, bases, strict=True):
        code, level = base, 0
        while code in used or code in in_db:
            level += 1
            code = cf.omocodic_variant(base, level)
            if level >= 2 and code not in used:
                in_db |= _taken([code])
        used.add(code)
        person.code = code


def cells_of(person: Synthetic) -> dict[str, str]:
    """The person as a row of the import file format (docs/people-import.md)."""
    return {
        "codice_fiscale": person.code,
        "cognome": person.last_name,
        "nome": person.first_name,
        "sesso": person.sex,
        "data_nascita": person.birth_date.strftime("%d/%m/%Y"),
        "comune_nascita": person.birthplace.cadastral_code,
        "cittadinanza": person.citizenship,
        "comune_residenza": person.residence.label,
        "indirizzo": person.address,
        "telefono": person.phone,
        "email": person.email,
        "comune_domicilio": person.domicile.label if person.domicile else "",
        "indirizzo_domicilio": "",
    }


# -- dossiers -------------------------------------------------------------------------------


@dataclass
class DossierRows:
    dids: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    suspensions: list[tuple[Any, ...]] = field(default_factory=list)
    educations: list[tuple[Any, ...]] = field(default_factory=list)
    experiences: list[tuple[Any, ...]] = field(default_factory=list)
    languages: list[tuple[Any, ...]] = field(default_factory=list)
    licences: list[tuple[Any, ...]] = field(default_factory=list)
    availabilities: list[tuple[Any, ...]] = field(default_factory=list)
    availability_types: list[tuple[Any, ...]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}


def _reserve_ids(cursor: Any, table: str, count: int) -> list[int]:
    if not count:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def build_dossiers(
    ref: Reference, people: Sequence[Synthetic], ids: dict[str, int], cursor: Any
) -> DossierRows:
    """DIDs (with consistent events), education, experience, languages, licences, availability."""
    rows = DossierRows()
    now = dt.datetime.now(dt.UTC)
    plans = []
    for person in people:
        rng = random.Random(person.dossier_seed)  # noqa: S311 - synthetic data
        plans.append((person, rng, rng.random() < DID_SHARE))
    did_ids = iter(_reserve_ids(cursor, Did._meta.db_table, sum(1 for p in plans if p[2])))
    with_availability = [p for p in plans if p[2] or p[1].random() < 0.2]
    availability_ids = iter(
        _reserve_ids(cursor, Availability._meta.db_table, len(with_availability))
    )
    available = {id(p[0]) for p in with_availability}
    age_18 = dt.timedelta(days=18 * 365)
    for person, rng, has_did in plans:
        person_id = ids[person.code]
        adult = person.birth_date + age_18
        if has_did:
            did_id = next(did_ids)
            did_date = REFERENCE_DATE - dt.timedelta(days=rng.randint(10, 3 * 365))
            did_date = max(did_date, adult)
            declare = ("declare", "", "active", did_date, "")
            roll = rng.random()
            if roll < 0.8:
                state, since, ended, reason, events = "active", did_date, None, "", [declare]
            elif roll < 0.9:
                since = did_date + dt.timedelta(days=rng.randint(30, 300))
                state, ended, reason = "suspended", None, ""
                events = [declare, ("suspend", "active", "suspended", since, "")]
                rows.suspensions.append((did_id, since, None, ""))
            else:
                since = did_date + dt.timedelta(days=rng.randint(60, 500))
                state, ended, reason = "lapsed", since, "sanction"
                events = [declare, ("lapse", "active", "lapsed", since, "sanction")]
            channel = rng.choice(("national_portal", "regional", "cpi", "benefit_application"))
            rows.dids.append(
                (did_id, person_id, did_date, "", channel, state, since, ended, reason, now, now)
            )
            for kind, before, after, effective, why in events:
                rows.events.append(
                    (did_id, kind, before, after, effective, why, "", "", "", None, now, "")
                )
        if ref.education_levels and rng.random() < 0.9:
            level = rng.choice(ref.education_levels)
            year = min(adult.year + rng.randint(0, 8), REFERENCE_DATE.year - 1)
            rows.educations.append(
                (person_id, level, _("Titolo di studio"), "", year, "", True, now, now)
            )
        for _n in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
            start = adult + dt.timedelta(
                days=rng.randint(0, max(1, (REFERENCE_DATE - adult).days - 60))
            )
            end = start + dt.timedelta(days=rng.randint(30, 1500))
            rows.experiences.append(
                (
                    person_id,
                    f"{_pick(rng, ref.surnames)} {rng.choice(COMPANY_SUFFIXES)}",
                    "",
                    rng.choice(ref.activities) if ref.activities else None,
                    rng.choice(ref.professions) if ref.professions else None,
                    rng.choice(ref.contract_types) if ref.contract_types else None,
                    start,
                    end if end < REFERENCE_DATE else None,
                    Decimal(rng.choice((20, 24, 30, 36, 38, 40))),
                    "",
                    False,
                    now,
                    now,
                )
            )
        if ref.language_levels:
            for language, share in LANGUAGES:
                if rng.random() < share:
                    level = rng.choice(ref.language_levels)
                    rows.languages.append((person_id, language, level, level, level, now, now))
        if rng.random() < 0.62:
            rows.licences.append((person_id, "B", now, now))
            if rng.random() < 0.08:
                rows.licences.append((person_id, "C", now, now))
        if id(person) in available:
            availability_id = next(availability_ids)
            rows.availabilities.append(
                (
                    availability_id,
                    person_id,
                    rng.choice(WORKING_TIMES),
                    rng.choice((10, 20, 30, 50, 100)),
                    rng.random() < 0.4,
                    "",
                    now,
                    now,
                )
            )
            for contract_type in rng.sample(ref.contract_types, min(2, len(ref.contract_types))):
                rows.availability_types.append((availability_id, contract_type))
    return rows


DOSSIER_TABLES = (
    ("dids", Did, ("id", "person_id", "did_date", "national_id", "channel", "state", "state_since", "ended_on", "lapse_reason", "created_at", "updated_at")),
    ("events", DidEvent, ("did_id", "kind", "state_before", "state_after", "effective_date", "reason", "note", "source_reference", "income_kind", "projected_annual_income", "recorded_at", "recorded_by_name")),
    ("suspensions", Suspension, ("did_id", "start", '"end"', "source_reference")),
    ("educations", Education, ("person_id", "level_id", "title", "institution", "year", "mark", "recognised_in_italy", "created_at", "updated_at")),
    ("experiences", WorkExperience, ("person_id", "employer_name", "employer_fiscal_code", "economic_activity_id", "profession_id", "contract_type_id", "start_date", "end_date", "weekly_hours", "duties", "targeted_hire", "created_at", "updated_at")),
    ("languages", LanguageSkill, ("person_id", "language", "understanding_id", "speaking_id", "writing_id", "created_at", "updated_at")),
    ("licences", DrivingLicence, ("person_id", "category", "created_at", "updated_at")),
    ("availabilities", Availability, ("id", "person_id", "working_time", "mobility_radius_km", "shifts", "notes", "created_at", "updated_at")),
)  # fmt: skip


@dataclass
class ChunkResult:
    chunk: int
    people: int
    created: int
    skipped: int
    omocodic: int
    foreign_born: int
    dossier: dict[str, int]


def loaded(seed: int) -> dict[int, list[tuple[int, int, int | None, int | None]]]:
    """The loads of each chunk of this seed whose people are still there:
    [(start, stop, first id, last id)] in order.

    The records are append-only and outlive their rows: a benchmark or an operator may have
    emptied the people table since. A load whose people are no longer all there does not
    count, nor do the earlier loads of its chunk: the chunk is made again from its start (and
    that new load counts from then on).
    """
    loads: dict[int, list[tuple[int, int, int | None, int | None]]] = {}
    records = BulkLoad.objects.filter(kind=KIND, key__startswith=f"{KIND}:seed={seed}:")
    rows = list(records.order_by("id").values_list("details", "first_id", "last_id", "created"))
    present = _people_between([(first, last) for _d, first, last, _c in rows])
    for (details, first_id, last_id, created), found in zip(rows, present, strict=True):
        chunk = details["chunk"]
        if found < created:
            loads.pop(chunk, None)
            continue
        loads.setdefault(chunk, []).append((details["start"], details["stop"], first_id, last_id))
    # A chunk is resumed from what its loads hold from person 0 on, nothing else.
    return {chunk: found for chunk, found in loads.items() if found[0][0] == 0}


def _people_between(ranges: Sequence[tuple[int | None, int | None]]) -> list[int]:
    """How many people exist with an id in each [first, last] range (0 for an empty range)."""
    if not ranges:
        return []
    firsts = [first if first is not None else 0 for first, _last in ranges]
    lasts = [last if last is not None else -1 for _first, last in ranges]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM people_person p WHERE p.id BETWEEN r.first AND r.last) "
            "FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS r(first, last, n) "
            "ORDER BY r.n",
            [firsts, lasts],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def _loaded_codes(loads: Sequence[tuple[int, int, int | None, int | None]]) -> list[str]:
    """The codes of a chunk's loaded people in order (inserted in order: ids increase)."""
    codes: list[str] = []
    with connection.cursor() as cursor:
        for _start, _stop, first_id, last_id in loads:
            if first_id is None:
                continue
            cursor.execute(
                "SELECT fiscal_code FROM people_person WHERE id BETWEEN %s AND %s ORDER BY id",
                [first_id, last_id],
            )
            codes.extend(row[0] for row in cursor.fetchall())
    return codes


def load_chunk(
    ref: Reference, seed: int, chunk: int, start: int, stop: int, prefix: Sequence[str] = ()
) -> ChunkResult:
    """People start…stop-1 of the chunk, with dossiers, in one transaction.

    `prefix` holds the codes of the chunk's people 0…start-1, already loaded.
    """
    drawn = draw_chunk(ref, seed, chunk, stop)
    for person, code in zip(drawn, prefix, strict=False):
        person.code = code
    people = drawn[start:]
    assign_codes(people, set(prefix))
    report = ImportReport()
    rows = [(person.index + 2, cells_of(person)) for person in people]
    plan = bulk.validate_people(rows, report)
    if report.errors:
        raise ValueError(
            "; ".join(f"{e.row}: {e.field} {e.code} {e.message}" for e in report.errors[:5])
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            bulk.ignore_history(
                cursor, Person, Did, DidEvent, Suspension, *(t[1] for t in DOSSIER_TABLES[3:])
            )
            result = bulk.write_people(cursor, plan.records)
            cursor.execute(
                "SELECT fiscal_code, id FROM people_person WHERE fiscal_code = ANY(%s)",
                [[person.code for person in people]],
            )
            ids = dict(cursor.fetchall())
            # People already registered by someone else keep their own dossier.
            low, high = result.first_id or 0, result.last_id or -1
            fresh = [p for p in people if low <= ids[p.code] <= high]
            dossiers = build_dossiers(ref, fresh, ids, cursor)
            for name, model, columns in DOSSIER_TABLES:
                bulk.copy_records(cursor, model._meta.db_table, columns, getattr(dossiers, name))
            bulk.copy_records(
                cursor,
                Availability.contract_types.through._meta.db_table,
                ("availability_id", "contracttype_id"),
                dossiers.availability_types,
            )
        counts = dossiers.counts()
        bulk.record_batch(
            kind=KIND,
            source=f"sil demo-data --seed {seed}",
            key=f"{KIND}:seed={seed}:chunk={chunk}:stop={stop}",
            rows=len(plan.records),
            result=result,
            row_history=False,
            details={"seed": seed, "chunk": chunk, "start": start, "stop": stop, **counts},
        )
    return ChunkResult(
        chunk=chunk,
        people=len(people),
        created=result.created,
        skipped=len(people) - result.created,
        omocodic=sum(1 for p in people if cf.is_omocodic(p.code)),
        foreign_born=sum(1 for p in people if p.birthplace.cadastral_code.startswith("Z")),
        dossier=counts,
    )


def generate(
    people: int,
    *,
    seed: int = DEFAULT_SEED,
    provinces: Sequence[str] = CAMPANIA_PROVINCES,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Make the first `people` people of `seed` exist (resuming); a summary of what was done."""
    ref = Reference.load(provinces)
    done = loaded(seed)
    chunks = range((people + CHUNK - 1) // CHUNK)
    summary: dict[str, Any] = {
        "seed": seed,
        "people": people,
        "created": 0,
        "skipped": 0,
        "omocodic": 0,
        "foreign_born": 0,
        "dossier": {},
    }
    steps = progress(chunks, len(chunks), _("Persone sintetiche")) if progress else chunks
    for chunk in steps:
        stop = min(CHUNK, people - chunk * CHUNK)
        loads = done.get(chunk, [])
        start = min(max((load[1] for load in loads), default=0), stop)
        if start >= stop:
            summary["skipped"] += stop
            continue
        prefix = _loaded_codes(loads)[:start] if start else []
        result = load_chunk(ref, seed, chunk, start, stop, prefix)
        summary["skipped"] += start + result.skipped
        summary["created"] += result.created
        summary["omocodic"] += result.omocodic
        summary["foreign_born"] += result.foreign_born
        for name, count in result.dossier.items():
            summary["dossier"][name] = summary["dossier"].get(name, 0) + count
    return summary
