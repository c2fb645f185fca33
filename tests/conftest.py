"""Shared fixtures. Tests run against PostgreSQL (embedded unless DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from django.conf import settings

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
