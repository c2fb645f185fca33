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
