"""Faults on a cluster of their own: the database stopped under a running dispatch, a worker that
stalls, a worker killed under `sil demo`'s supervisor, and what the web answers meanwhile.

Everything is real: an embedded PostgreSQL of this module (its own data folder and port, so the
test database is never stopped), `sil worker`, `sil serve` and `sil demo` as subprocesses, the
local SMS gateway. The outage lasts SIL_FAULT_OUTAGE_S seconds (15 by default; `make faults`
runs it at 60).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from sil.core.db.embedded import EmbeddedPostgres
from sil.notifications.fake_gateway import FakeGateway
from sil.notifications.models import OutboxMessage

OUTAGE_S = float(os.environ.get("SIL_FAULT_OUTAGE_S", "15"))
MESSAGES = 400
TOPIC = "fault:outage"
# A heartbeat every 10 s, stale after 30 s: a stalled worker is reported within 30 s.
STALE_S = 30

pytestmark = pytest.mark.faults


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(condition: Callable[[], Any], timeout: float, what: str, step: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def _children(pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [int(p) for p in found]


class Cluster:
    """The module's own PostgreSQL, migrated once."""

    def __init__(self, root: Path) -> None:
        self.server = EmbeddedPostgres(data_dir=root / "pg", port=_free_port())
        self.root = root

    @property
    def url(self) -> str:
        return self.server.url()

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "SIL_TESTING": "1",
            "SIL_DATA_DIR": str(self.root / "data"),
            **extra,
        }

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return list(conn.execute(query, params).fetchall())

    def sil(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sil", *args],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("faults"))
    cluster.server.start()
    try:
        done = cluster.sil("migrate", "--no-input", "-v", "0")
        assert done.returncode == 0, done.stderr[-3000:]
        yield cluster
    finally:
        cluster.server.stop()


class Process:
    """A `sil …` subprocess with its output in a file, stopped with SIGTERM at the end."""

    def __init__(self, cluster: Cluster, args: list[str], log: Path, **extra: str) -> None:
        self.log_path = log
        self.log = log.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "sil", *args],
            env=cluster.env(**extra),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def full_output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    @property
    def output(self) -> str:
        return self.full_output[-4000:]

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()
        return int(self.popen.returncode)


def _serve(cluster: Cluster, tmp_path: Path) -> tuple[Process, str]:
    port = _free_port()
    web = Process(
        cluster,
        ["serve"],
        tmp_path / "web.log",
        SIL_BIND=f"127.0.0.1:{port}",
        SIL_WEB_WORKERS="1",
        SIL_PROCESS="web",
    )
    base = f"http://127.0.0.1:{port}"

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    _wait(listening, 60, "sil serve to listen")
    # The master listens before its worker has loaded Django: wait for a first answer.
    _wait(lambda: _answers(f"{base}/healthz"), 120, "sil serve to answer", step=1)
    return web, base


def _answers(url: str) -> bool:
    try:
        _get(url)
    except (OSError, urllib.error.URLError):
        return False
    return True


def _health(base: str) -> dict[str, Any]:
    status, _headers, body = _get(f"{base}/healthz")
    data: dict[str, Any] = json.loads(body)
    data["http_status"] = status
    return data


def _worker_pid(supervisor: Process) -> int:
    """The pid of the worker process `sil worker` runs (it leads its own process group)."""
    return int(_wait(lambda: _children(supervisor.popen.pid), 30, "the worker process")[0])


def _enqueue(cluster: Cluster, count: int) -> None:
    code = (
        "import django; django.setup()\n"
        "from django.db import transaction\n"
        "from sil.notifications.actions import MessageSpec, do_enqueue\n"
        "with transaction.atomic():\n"
        f"    do_enqueue(MessageSpec(None, {TOPIC!r}, f'm{{i}}', 'sms', f'+39333{{i:07d}}',"
        f" 'Convocazione') for i in range({count}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=cluster.env(DJANGO_SETTINGS_MODULE="sil.settings", SIL_PROCESS="cli"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _statuses(cluster: Cluster) -> dict[str, int]:
    table = OutboxMessage._meta.db_table
    rows = cluster.sql(
        f"SELECT status, count(*) FROM {table} WHERE topic = %s GROUP BY status",
        (TOPIC,),
    )
    return {str(status): int(count) for status, count in rows}


def _assert_unavailable_pages(base: str) -> None:
    """While the database is down: the branded Italian 503 page, a JSON 503 for the API."""
    status, headers, body = _get(f"{base}/offerte-di-lavoro/")  # public, reads vacancies
    assert status == 503, body[:2000]
    assert headers.get("Retry-After") == "30"
    assert "text/html" in headers.get("Content-Type", "")
    assert "Servizio temporaneamente non disponibile" in body
    assert "bootstrap-italia" in body  # the site's own layout, not Django's bare error page
    assert "Server Error" not in body and "!!MISSING" not in body
    # A signed-in browser (a session cookie to load) gets the same page, not a 500.
    status, headers, body = _get(
        f"{base}/operatori/persone/", headers={"Cookie": "sil_session=abcdefghijklmnopqrstuvwxyz"}
    )
    assert status == 503, body[:2000]
    assert "Servizio temporaneamente non disponibile" in body
    status, headers, body = _get(
        f"{base}/api/v1/people/", headers={"Authorization": "Token 0123456789abcdef"}
    )
    assert status == 503, body[:2000]
    assert headers.get("Retry-After") == "30"
    assert headers.get("Content-Type", "").startswith("application/json")
    assert json.loads(body)["code"] == "service_unavailable"


def test_worker_resumes_after_a_database_outage_under_dispatch(
    cluster: Cluster, tmp_path: Path
) -> None:
    web, base = _serve(cluster, tmp_path)
    with FakeGateway(delay_s=0.05) as gateway:
        supervisor = Process(
            cluster,
            ["worker"],
            tmp_path / "worker.log",
            SIL_PROCESS="worker",
            SIL_NOTIFICATIONS_DEMO_SINK="0",
            SIL_SMS_GATEWAY_URL=gateway.sms_url,
            SIL_SMS_FALLBACK_URL="",
            SIL_NOTIFICATIONS_THREADS="2",
            SIL_NOTIFICATIONS_BATCH="20",
            SIL_NOTIFICATIONS_LEASE_S="5",
            SIL_NOTIFICATIONS_BACKOFF_S="1",
        )
        try:
            _wait(lambda: _health(base)["worker"]["status"] == "ok", 60, "the worker's heartbeat")
            worker_pid = _worker_pid(supervisor)
            _enqueue(cluster, MESSAGES)
            _wait(lambda: len(gateway.accepted_of("sms")) >= 60, 120, "the dispatch to start")

            cluster.server.stop()
            stopped_at = time.monotonic()
            assert len(gateway.accepted_of("sms")) < MESSAGES  # stopped mid-dispatch
            down = _health(base)
            assert down["http_status"] == 503 and down["database"]["status"] == "error"
            time.sleep(max(0.0, OUTAGE_S - 5 - (time.monotonic() - stopped_at)))
            # The worker process waits for the database: it has neither exited nor been replaced.
            assert supervisor.popen.poll() is None, supervisor.output
            assert worker_pid in _children(supervisor.popen.pid), supervisor.output
            _assert_unavailable_pages(base)
            time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped_at)))

            cluster.server.start()
            restarted_at = time.monotonic()
            _wait(
                lambda: _health(base)["worker"]["status"] == "ok",
                STALE_S,
                "/healthz to see the worker again",
            )
            assert time.monotonic() - restarted_at <= STALE_S
            _wait(
                lambda: _statuses(cluster) == {"sent": MESSAGES},
                180,
                f"every message sent ({_statuses(cluster)})",
                step=1,
            )
            # 0 lost, each accepted by the gateway once, by the same worker process.
            accepted = gateway.accepted_of("sms")
            assert len(accepted) == MESSAGES
            assert len({a.reference for a in accepted}) == MESSAGES
            assert supervisor.popen.poll() is None, supervisor.output
            assert _children(supervisor.popen.pid) == [worker_pid], supervisor.output
            assert "worker: starting again" in supervisor.full_output  # in the same process
        finally:
            cluster.server.start()  # whatever happened, the next test finds it running
            assert supervisor.stop() == 0, supervisor.output
            web.stop()


def test_healthz_reports_a_stalled_worker_within_30_seconds(
    cluster: Cluster, tmp_path: Path
) -> None:
    web, base = _serve(cluster, tmp_path)
    supervisor = Process(cluster, ["worker"], tmp_path / "worker.log", SIL_PROCESS="worker")
    try:
        _wait(lambda: _health(base)["worker"]["status"] == "ok", 60, "the worker's heartbeat")
        worker_pid = _worker_pid(supervisor)
        os.kill(worker_pid, signal.SIGSTOP)  # stalled: alive, but no heartbeat any more
        stalled_at = time.monotonic()
        try:
            body = _wait(
                lambda: (health := _health(base))["worker"]["status"] == "down" and health,
                STALE_S + 2,
                "/healthz to report the stalled worker",
            )
            assert time.monotonic() - stalled_at <= STALE_S + 1
            assert body["status"] == "degraded"
        finally:
            os.kill(worker_pid, signal.SIGCONT)
        _wait(lambda: _health(base)["worker"]["status"] == "ok", STALE_S, "the worker again")
    finally:
        supervisor.stop()
        web.stop()


def test_demo_restarts_a_killed_worker_alone(cluster: Cluster, tmp_path: Path) -> None:
    port = _free_port()
    demo = Process(
        cluster,
        ["demo", "--no-setup"],
        tmp_path / "demo.log",
        SIL_BIND=f"127.0.0.1:{port}",
        SIL_DATA_DIR=str(tmp_path / "demo-data"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: len(_children(demo.popen.pid)) == 2, 60, "web and worker")
        _wait(lambda: _answers(f"{base}/healthz"), 120, "the demo's web server", step=1)
        _wait(lambda: _health(base)["worker"]["status"] == "ok", 90, "the demo's worker")
        before = set(_children(demo.popen.pid))
        web_pid = next(
            pid for pid in before if "gunicorn" in Path(f"/proc/{pid}/cmdline").read_text()
        )
        (worker_pid,) = before - {web_pid}

        os.kill(worker_pid, signal.SIGKILL)
        after = _wait(
            lambda: (now := set(_children(demo.popen.pid))) - before and len(now) == 2 and now,
            30,
            "the worker to be started again",
        )
        assert web_pid in after  # the web server was left alone
        assert demo.popen.poll() is None, demo.output
        assert cluster.server.is_running()
        assert _health(base)["database"]["status"] == "ok"
        _wait(lambda: _health(base)["worker"]["status"] == "ok", STALE_S, "the new worker")
        assert "worker exited" in demo.full_output and "started again" in demo.full_output
    finally:
        assert demo.stop() == 0, demo.output
