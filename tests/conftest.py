"""Shared fixtures. Tests run against PostgreSQL (embedded unless DATABASE_URL is set)."""

from __future__ import annotations

import os
import random

import pytest
from django.conf import settings
from django.db.models.sql.datastructures import Join

SHARED_DATA = settings.BASE_DIR.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data():
    """The official reference files beside the repository (tests and CI only)."""
    if not SHARED_DATA.exists():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """The cache is a PostgreSQL table shared by processes: throttle counters, TOTP replay
    guards and rate limits must not leak from one test into the next."""
    yield
    if "django_db_setup" in request.fixturenames:  # only tests that reached the test database
        from django.core.cache import cache

        with request.getfixturevalue("django_db_blocker").unblock():
            cache.clear()


@pytest.fixture(autouse=True)
def _italian_by_default():
    """Every test starts in Italian, whatever language an earlier test switched to."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Guards that make accidental behaviour fail in tests rather than in production.
#
# 1. A queryset with no ORDER BY (no order_by() and no Meta.ordering) comes back in whatever
#    order PostgreSQL finds convenient; on a small test table that is insertion order, so a page
#    or export relying on it passes here and shuffles in production. Tests get such results
#    shuffled. SIL_TEST_SHUFFLE_SEED=<n> replays a run (the seed is printed in the header).
# 2. select_for_update() on a query with joins locks the joined tables' rows too (and fails on
#    the nullable side of an outer join): say which rows to lock with of=.

SHUFFLE_SEED = int(os.environ.get("SIL_TEST_SHUFFLE_SEED") or random.randrange(10**6))
_shuffler = random.Random(SHUFFLE_SEED)
_lock_violations: list[str] = []


class SelectForUpdateWithoutOf(AssertionError):
    pass


def pytest_report_header(config):
    return f"unordered querysets shuffled with SIL_TEST_SHUFFLE_SEED={SHUFFLE_SEED}"


def _shuffling_fetch_all(original):
    def _fetch_all(self):
        fresh = self._result_cache is None
        original(self)
        if fresh and not self.ordered and len(self._result_cache) > 1:
            _shuffler.shuffle(self._result_cache)

    return _fetch_all


def _checking_from_clause(original):
    # Checked while the FROM clause is built: as_sql() resets join reference counts afterwards.
    def get_from_clause(self):
        from_clause = original(self)
        query = self.query
        if query.select_for_update and not query.select_for_update_of:
            joined = sorted(
                join.table_name
                for alias, join in query.alias_map.items()
                if isinstance(join, Join) and query.alias_refcount[alias]
            )
            if joined:
                message = (
                    f"select_for_update() on {query.model._meta.label} joins {joined}: "
                    "pass of=('self', ...) to say which rows to lock"
                )
                _lock_violations.append(message)
                raise SelectForUpdateWithoutOf(message)
        return from_clause

    return get_from_clause


@pytest.fixture(scope="session", autouse=True)
def _queryset_guards():
    from django.db.models.query import QuerySet
    from django.db.models.sql.compiler import SQLCompiler

    fetch_all, from_clause = QuerySet._fetch_all, SQLCompiler.get_from_clause
    QuerySet._fetch_all = _shuffling_fetch_all(fetch_all)
    SQLCompiler.get_from_clause = _checking_from_clause(from_clause)
    yield
    QuerySet._fetch_all, SQLCompiler.get_from_clause = fetch_all, from_clause


@pytest.fixture(autouse=True)
def _guard_each_test(request):
    """Reseed per test (a failure replays alone) and fail a test whose code swallowed a guard."""
    _shuffler.seed(f"{SHUFFLE_SEED}:{request.node.nodeid}")
    _lock_violations.clear()
    yield
    if _lock_violations:
        pytest.fail("; ".join(_lock_violations), pytrace=False)
