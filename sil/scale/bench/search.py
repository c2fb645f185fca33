"""The search benchmark: `sil bench search --people N` calls `run(people=N, seed=S)`.

1. The database is brought to at least N people with the synthetic-region generator
   (sil.scale.generator; people already there are kept).
2. A seeded mix of queries is drawn from the people in the database, in equal shares:
   exact fiscal code, an omocodic variant of it, surname alone, surname with one typo,
   surname and first name, surname, first name and birth year.
3. Each query runs, after a warm-up pass, as the people API runs it for a regional operator:
   the search, the count and the first page of 50. Two times are taken: database time (the
   time of every SQL statement, measured around the cursor) and full API request time
   (GET /api/v1/people/?q=… with a token, through the whole middleware stack).
4. Baseline: the search as it was designed before (trigram match of the whole registry ranked
   by similarity, kept below as `legacy_search`), with its two trigram indexes built for the
   occasion and dropped afterwards, timed the same way on a subset of the same queries.

Returns queries, p50_ms, p95_ms (database), api_p50_ms, api_p95_ms, per-kind figures,
baseline_p50_ms, baseline_p95_ms, ratio (baseline p95 / new p95 on the same queries) and
the targets.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q, QuerySet
from django.test import Client, override_settings

from sil.core import fiscal_code as cf
from sil.people.models import Person, PersonQuerySet, plain_text, plain_upper
from sil.people.phones import InvalidPhone, looks_like_phone, normalise_phone

KINDS = ("cf", "cf_variant", "surname", "surname_typo", "surname_name", "name_year")
PAGE_SIZE = 50  # the API's page
TARGET_P95_MS = 30.0
TARGET_API_P95_MS = 150.0
BASELINE_SHARE = 4  # the baseline runs one query in this many (it is slow at full size)
BENCH_OFFICE = "BENCH-REGIONE"
BENCH_EMAIL = "bench.regione@esempio.invalid"

SearchFunction = Callable[[PersonQuerySet, str], QuerySet[Person]]


def query_count(people: int) -> int:
    return 60 if people < 100_000 else 300


# --- the queries -------------------------------------------------------------------------


def draw_people(count: int, rng: random.Random) -> list[tuple[str, str, str, dt.date]]:
    """`count` people picked at random (by id), with their code, names and birth date."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {Person._meta.db_table}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None:
        raise ValueError("no people to draw queries from")
    picked = []
    for _index in range(count):
        start = rng.randint(low, high)
        person = (
            Person.objects.not_merged()
            .filter(pk__gte=start)
            .order_by("pk")
            .values_list("fiscal_code", "last_name", "first_name", "birth_date")
            .first()
        )
        if person is None:
            person = (
                Person.objects.not_merged()
                .order_by("pk")
                .values_list("fiscal_code", "last_name", "first_name", "birth_date")
                .first()
            )
        if person is None:
            raise ValueError("no people to draw queries from")
        picked.append(person)
    return picked


def with_typo(word: str, rng: random.Random) -> str:
    """The word with one typing error inside it: a letter changed, dropped or swapped."""
    letters = [i for i, char in enumerate(word) if char.isalpha()]
    inner = [i for i in letters if 0 < i < len(word) - 1] or letters
    if len(word) < 4 or not inner:
        return word + "A"
    for _attempt in range(10):
        position = rng.choice(inner)
        kind = rng.choice(("change", "drop", "swap"))
        if kind == "change":
            typo = word[:position] + rng.choice("AEIOURSTLN") + word[position + 1 :]
        elif kind == "drop":
            typo = word[:position] + word[position + 1 :]
        else:
            position = min(position, len(word) - 2)
            typo = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        if typo != word:
            return typo
    return word + "A"


def make_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, text) pairs, the kinds in equal shares, reproducible for a seed and a database."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    people = draw_people(count, rng)
    queries = []
    for index, (code, last_name, first_name, birth_date) in enumerate(people):
        kind = KINDS[index % len(KINDS)]
        first_word = first_name.split()[0] if first_name.split() else first_name
        if kind == "cf":
            text = code
        elif kind == "cf_variant":
            text = (
                cf.omocodic_variant(cf.base_code(code), rng.randint(1, 127))
                if cf.is_valid(code)
                else code
            )
        elif kind == "surname":
            text = last_name
        elif kind == "surname_typo":
            text = with_typo(plain_text(last_name), rng)
        elif kind == "surname_name":
            text = f"{last_name} {first_word}"
        else:
            text = f"{last_name} {first_word} {birth_date.year}"
        queries.append((kind, text))
    return queries


# --- the old design, kept as the baseline ------------------------------------------------

LEGACY_INDEXES = {
    "bench_legacy_last_trgm": "last_name",
    "bench_legacy_first_trgm": "first_name",
}


def legacy_search(people: PersonQuerySet, text: str) -> QuerySet[Person]:
    """The search before the selective design: names by substring or trigram similarity over
    the whole registry, every match ranked before the page is cut; omocodic variants as a list
    of 128 codes."""
    text = " ".join((text or "").split())
    people = people.not_merged()
    compact = cf.normalise(text)
    if "@" in text:
        return people.filter(email__iexact=text.lower())
    if cf.is_valid(compact):
        return people.filter(fiscal_code__in=list(cf.omocodic_variants(compact)))
    if looks_like_phone(text):
        condition = Q(fiscal_code=compact)
        with contextlib.suppress(InvalidPhone):
            condition |= Q(phone=normalise_phone(text))
        return people.filter(condition)
    if len(compact) >= 6 and any(char.isdigit() for char in compact):
        return people.filter(fiscal_code__startswith=compact)
    words = [plain_text(word) for word in text.split(" ")]
    words = [word for word in words if word] or [text.upper()]
    named = people.alias(last_plain=plain_upper("last_name"), first_plain=plain_upper("first_name"))
    exact = Q()
    fuzzy = Q()
    for word in words:
        exact &= Q(last_plain__contains=word) | Q(first_plain__contains=word)
        fuzzy &= Q(last_plain__trigram_similar=word) | Q(first_plain__trigram_similar=word)
    return (
        named.filter(exact | fuzzy)
        .annotate(similarity=TrigramSimilarity(plain_upper("last_name"), words[0]))
        .order_by("-similarity", "last_name", "first_name", "id")
    )


@contextlib.contextmanager
def legacy_indexes() -> Iterator[None]:
    """The trigram indexes the old design relied on, for the time of the baseline."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        # Inside a transaction with deferred checks pending, CREATE INDEX would refuse.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, column in LEGACY_INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (upper(sil_unaccent({column}::text)) gin_trgm_ops)"
            )
        cursor.execute(f"ANALYZE {table}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in LEGACY_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


def new_search(people: PersonQuerySet, text: str) -> QuerySet[Person]:
    return people.search(text)


# --- timing ------------------------------------------------------------------------------


class SqlTimer:
    """Adds up the time spent in the database driver's execute (the database's time plus the
    round trip), for every statement run while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def database_ms(people: PersonQuerySet, search: SearchFunction, text: str) -> float:
    """Milliseconds of SQL for what the API list does: search, count, first page."""
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        found = search(people, text)
        found.count()
        list(found[:PAGE_SIZE])
    return timer.seconds * 1000


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (like numpy's default)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _figures(values: list[float], prefix: str = "") -> dict[str, float]:
    return {
        f"{prefix}p50_ms": round(percentile(values, 0.50), 2),
        f"{prefix}p95_ms": round(percentile(values, 0.95), 2),
    }


# --- the benchmark -----------------------------------------------------------------------


def ensure_people(people: int, seed: int) -> int:
    """At least `people` people in the database (the generator adds the missing ones)."""
    from sil.people.models import PersonName

    have = Person.objects.count()
    if have < people:
        from sil.scale.generator import generate

        generate(people, seed=seed)
        have = Person.objects.count()
    # Fresh statistics after a bulk load, as a production load would leave them.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Person._meta.db_table}, {PersonName._meta.db_table}")
    return have


def bench_operator() -> tuple[Any, str]:
    """A regional operator with an API token (created on the bench database).

    Operators' tokens need a second factor: the bench operator gets a TOTP authenticator.
    """
    import pyotp
    from django.contrib.auth import get_user_model

    from sil.accounts.actions import do_create_operator, do_enrol_totp
    from sil.accounts.middleware import has_mfa
    from sil.accounts.models import Role
    from sil.core.api import do_issue_api_token
    from sil.territory.models import Office, OfficeKind

    Office.objects.get_or_create(
        code=BENCH_OFFICE, defaults={"kind": OfficeKind.REGION, "name": "Regione (benchmark)"}
    )
    user = get_user_model().objects.filter(email__iexact=BENCH_EMAIL).first()
    if user is None:
        user = do_create_operator(
            email=BENCH_EMAIL,
            first_name="Benchmark",
            last_name="Regione",
            office_code=BENCH_OFFICE,
            role=Role.REGION,
        )
    if not has_mfa(user):
        do_enrol_totp(user=user, secret=pyotp.random_base32())
    return user, do_issue_api_token(BENCH_EMAIL, rotate=True)


def _api_settings() -> dict[str, Any]:
    from django.conf import settings

    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "1000000/minute", "user": "1000000/minute"}
    return {
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "SECURE_SSL_REDIRECT": False,
        "REST_FRAMEWORK": rest,
    }


def api_ms(client: Client, token: str, text: str) -> float:
    started = time.perf_counter()
    response = client.get(
        "/api/v1/people/", {"q": text}, HTTP_AUTHORIZATION=f"Token {token}", secure=True
    )
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"API answered {response.status_code}: {response.content[:200]!r}")
    return elapsed


def run(people: int, seed: int = 1, queries: int | None = None) -> dict[str, Any]:
    """Measure the person search on (at least) `people` people."""
    have = ensure_people(people, seed)
    user, token = bench_operator()
    mix = make_queries(queries or query_count(people), seed)
    scoped: PersonQuerySet = Person.objects.for_operator(user)
    found_first = 0
    for _kind, text in mix:  # warm-up, and a check that the query finds someone
        database_ms(scoped, new_search, text)
        found_first += bool(scoped.search(text)[:1])

    database = [database_ms(scoped, new_search, text) for _kind, text in mix]

    client = Client()
    with override_settings(**_api_settings()):
        for _kind, text in mix[: len(KINDS) * 2]:
            api_ms(client, token, text)
        api = [api_ms(client, token, text) for _kind, text in mix]

    # The baseline on every BASELINE_SHARE-th query; the ratio compares the same queries.
    subset = range(0, len(mix), BASELINE_SHARE)
    with legacy_indexes():
        for index in list(subset)[: len(KINDS)]:
            database_ms(scoped, legacy_search, mix[index][1])
        baseline = [database_ms(scoped, legacy_search, mix[index][1]) for index in subset]
    same_queries = [database[index] for index in subset]

    def of_kind(values: list[float], kind: str) -> list[float]:
        return [value for value, (of, _text) in zip(values, mix, strict=True) if of == kind]

    result: dict[str, Any] = {
        "people": have,
        "seed": seed,
        "queries": len(mix),
        "mix": {kind: len(of_kind(database, kind)) for kind in KINDS},
        "found": found_first,
        **_figures(database),
        **_figures(api, "api_"),
        "per_kind": {
            kind: {**_figures(of_kind(database, kind)), **_figures(of_kind(api, kind), "api_")}
            for kind in KINDS
        },
        "baseline": "search before issue 4: trigram match of all rows ranked before LIMIT",
        "baseline_queries": len(baseline),
        **_figures(baseline, "baseline_"),
        **_figures(same_queries, "baseline_same_queries_new_"),
        "target_p95_ms": TARGET_P95_MS,
        "target_api_p95_ms": TARGET_API_P95_MS,
    }
    new_p95 = result["baseline_same_queries_new_p95_ms"]
    result["ratio"] = round(result["baseline_p95_ms"] / new_p95, 1) if new_p95 else None
    result["targets_met"] = (
        result["p95_ms"] <= TARGET_P95_MS and result["api_p95_ms"] <= TARGET_API_P95_MS
    )
    return result
