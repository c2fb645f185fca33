"""/healthz: database and worker liveness, with a real `sil procrastinate worker` process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_is_postgresql_with_extensions():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent", "vector"} <= extensions


@pytest.mark.django_db
def test_healthz_without_worker_is_degraded_but_serving(client):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_workers")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == {"status": "ok"}
    assert body["worker"]["status"] == "down"
    assert body["worker"]["workers"] == 0
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_stale_heartbeat_counts_as_down(client, settings):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 60
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_workers")
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - interval '5 minutes')"
        )
    body = client.get("/healthz").json()
    assert body["worker"]["status"] == "down"
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO procrastinate_workers DEFAULT VALUES")
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["worker"]["workers"] == 1
    assert body["worker"]["seconds_since_heartbeat"] < 60


def _test_database_url() -> str:
    db = connection.settings_dict
    password = quote(db["PASSWORD"], safe="")
    return f"postgresql://{db['USER']}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _wait_for(client, status: str, deadline: float) -> dict:
    body: dict = {}
    while time.monotonic() < deadline:
        body = client.get("/healthz").json()
        if body["worker"]["status"] == status:
            return body
        time.sleep(0.25)
    return body


@pytest.mark.django_db(transaction=True)
def test_healthz_sees_a_running_worker(client, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "SIL_PROCESS": "worker",
        "SIL_TESTING": "1",
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(  # the command `sil worker` runs
        [sys.executable, "-m", "sil", "procrastinate", "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        body = _wait_for(client, "ok", time.monotonic() + 60)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        assert body["status"] == "ok", (tmp_path / "worker.log").read_text()
        assert body["worker"]["workers"] == 1
        assert body["worker"]["last_heartbeat"]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
    # A worker that stops cleanly unregisters: the node is degraded at once.
    body = _wait_for(client, "down", time.monotonic() + 10)
    assert body["status"] == "degraded"
