"""The `sil` command as a user runs it, in a subprocess against the test database."""

import os
import subprocess
import sys

import pytest


def run_sil(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "sil", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_help_lists_the_commands():
    result = run_sil("help")
    assert result.returncode == 0
    for command in ("sil demo", "sil serve", "sil worker", "sil refdata load", "sil apitoken"):
        assert command in result.stdout


def test_settings_refuse_to_run_without_secret_outside_demo():
    env = {"SIL_TESTING": "0", "SIL_DEMO": "0", "SIL_DEBUG": "0", "SIL_SECRET_KEY": ""}
    result = run_sil("check", env=env)
    assert result.returncode != 0
    assert "SIL_SECRET_KEY" in result.stderr


def test_embedded_database_is_not_started_when_database_url_is_set():
    # DATABASE_URL points at the test cluster: `sil check` must use it and start nothing.
    assert os.environ.get("DATABASE_URL")
    result = run_sil("check", "--database", "default")
    assert result.returncode == 0, result.stderr
    assert "embedded" not in result.stdout


@pytest.mark.parametrize("action", ["frobnicate"])
def test_db_subcommand_rejects_unknown_action(action):
    result = run_sil("db", action)
    assert result.returncode == 2
    assert "usage" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_the_children_and_the_parent():
    """`sil worker` under a process manager: SIGTERM must not leave an orphaned worker."""
    import signal
    import time

    from tests.core.test_health import _test_database_url

    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sil", "worker"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        child_pids: list[str] = []
        while not child_pids and time.monotonic() < deadline:
            time.sleep(0.5)
            child_pids = subprocess.run(
                ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
            ).stdout.split()
        assert child_pids, "sil worker started no child process"
        time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        for pid in child_pids:
            assert not os.path.exists(f"/proc/{pid}"), f"worker {pid} outlived its parent"
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.django_db(transaction=True)
def test_serve_leaves_no_gunicorn_worker_behind():
    """SIGTERM to `sil serve` stops gunicorn's master and every one of its workers."""
    import signal
    import socket
    import time

    from tests.core.test_health import _test_database_url

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "SIL_BIND": f"127.0.0.1:{port}",
        "SIL_WEB_WORKERS": "2",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "sil", "serve"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            raise AssertionError("sil serve did not listen")
        master = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        # The master listens before it forks its workers: on a busy machine wait for both.
        workers: list[str] = []
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = subprocess.run(
                ["pgrep", "-P", master[0]], capture_output=True, text=True, check=False
            ).stdout.split()
        assert len(workers) == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
        for pid in [*master, *workers]:
            assert not os.path.exists(f"/proc/{pid}"), f"process {pid} outlived sil serve"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_two_nodes_on_one_machine_have_control_sockets_of_their_own(tmp_path):
    """gunicorn's control socket lives in each node's data folder, not in one per user."""
    import signal
    import socket
    import stat
    import time

    from tests.core.test_health import _test_database_url

    nodes = []
    for name in ("a", "b"):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        data_dir = tmp_path / name
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "SIL_BIND": f"127.0.0.1:{port}",
            "SIL_WEB_WORKERS": "1",
            "SIL_DATA_DIR": str(data_dir),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "sil", "serve"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        nodes.append((proc, port, data_dir / "gunicorn.ctl"))
    try:
        for _proc, port, control in nodes:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with socket.socket() as client:
                    if client.connect_ex(("127.0.0.1", port)) == 0 and control.exists():
                        break
                time.sleep(0.5)
            else:
                raise AssertionError(f"node on {port} did not start with {control}")
            assert stat.S_ISSOCK(control.stat().st_mode)
        for proc, _port, _control in nodes:
            assert proc.poll() is None  # neither stopped the other
            proc.send_signal(signal.SIGTERM)
        for proc, _port, _control in nodes:
            assert proc.wait(timeout=40) == 0
    finally:
        for proc, _port, _control in nodes:
            if proc.poll() is None:
                proc.kill()


def test_control_socket_is_left_out_when_its_path_would_be_too_long(monkeypatch, tmp_path):
    from sil.cli import _gunicorn_command

    monkeypatch.setenv("SIL_DATA_DIR", str(tmp_path / ("x" * 120)))
    command = _gunicorn_command()
    assert "--no-control-socket" in command and "--control-socket" not in command
