"""pytest plugin: the test suite runs on the real engine, an embedded PostgreSQL of its own.

Loaded with `-p sil.core.testing.pytest_plugin` before pytest-django reads the settings, so
DATABASE_URL is known by then. With DATABASE_URL already set, nothing is started.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

import pytest

_started = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    global _started
    os.environ.setdefault("SIL_TESTING", "1")
    os.environ.setdefault("SIL_PROCESS", "cli")
    if os.environ.get("DATABASE_URL"):
        return
    from sil.core.db.embedded import EmbeddedPostgres, ensure_running

    root = Path(str(early_config.rootpath))
    data_dir = Path(os.environ.get("SIL_TEST_DATA_DIR", root / "var" / "test"))
    port = int(os.environ.get("SIL_TEST_DB_PORT", "54339"))
    os.environ["SIL_DATA_DIR"] = str(data_dir)
    server, started = ensure_running(EmbeddedPostgres(data_dir=data_dir, port=port))
    if started:
        _started = server
        # pytest skips pytest_unconfigure when it stops on a usage error: stop at exit then.
        atexit.register(server.stop)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _started is not None:
        _started.stop()
