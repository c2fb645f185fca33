"""The `sil` command: Django management plus the processes OpenSIL runs.

    sil demo [--no-setup]     set up and run the demo (database, data, web server, worker);
                              --no-setup runs it on the data an earlier run set up
    sil serve                 web server (gunicorn) on SIL_BIND, default 127.0.0.1:8000
    sil worker                background worker (procrastinate), survives database outages
    sil migrate               apply database migrations
    sil refdata load [DIR]    load the shipped reference data (ISTAT, ESCO, ATECO…) or DIR
    sil offices import FILE   load CPIs and job desks with their municipalities
    sil createoperator …      create an operator with office and role
    sil apitoken create USER  issue an API token
    sil demo-data --people N  generate a synthetic Region (reproducible with --seed)
    sil bench load|search …   benchmarks at regional scale (see bench/)
    sil db start|stop|status|url   the embedded PostgreSQL
    sil <django command> …    any other Django management command

With DATABASE_URL unset, PostgreSQL runs embedded under SIL_DATA_DIR (default var/ of the checkout): whoever
starts it stops it on exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

# Commands that never touch the database: no reason to start it for them.
_NO_DB = {"help", "--help", "-h", "version", "--version", "makemessages", "compilemessages"}


def _manage(argv: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sil.settings")
    os.environ.setdefault("SIL_PROCESS", "cli")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sil", *argv])


def _ensure_database() -> object | None:
    """Start embedded PostgreSQL when no DATABASE_URL is given; return it if we started it."""
    if os.environ.get("DATABASE_URL"):
        return None
    from sil.core.db.embedded import ensure_running

    server, started = ensure_running()
    if started:
        print(f"PostgreSQL (embedded) started on 127.0.0.1:{server.port}, data in {server.pgdata}")
        return server
    return None


def _stop_database(server: object | None) -> None:
    if server is not None:
        server.stop()  # type: ignore[attr-defined]
        print("PostgreSQL (embedded) stopped.")


# Unix socket paths are limited to 108 bytes (with the final NUL) on Linux.
_SOCKET_PATH_MAX = 107


def _control_socket_args() -> list[str]:
    """gunicorn's control socket defaults to one per user (~/.gunicorn/gunicorn.ctl): two nodes
    on one machine would share it and each would answer for the other. Each node keeps its own
    in its data folder, or none when that path is too long for a Unix socket."""
    from sil.env import data_dir

    path = data_dir() / "gunicorn.ctl"
    if len(os.fsencode(path)) > _SOCKET_PATH_MAX:
        return ["--no-control-socket"]
    path.parent.mkdir(parents=True, exist_ok=True)
    return ["--control-socket", str(path)]


def _gunicorn_command() -> list[str]:
    from sil.env import env_int, env_str

    workers = env_int("SIL_WEB_WORKERS", max(2, (os.cpu_count() or 1) + 1))
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "sil.wsgi:application",
        "--bind",
        env_str("SIL_BIND", "127.0.0.1:8000"),
        "--workers",
        str(workers),
        "--threads",
        str(env_int("SIL_WEB_THREADS", 4)),
        "--timeout",
        str(env_int("SIL_WEB_TIMEOUT", 60)),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        env_str("SIL_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        *_control_socket_args(),
    ]


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "sil", "runworker"]


def _stop_group(child: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, sig)


class RestartBudget:
    """At most `limit` restarts of one child within `window` seconds, then the node gives up."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.times: list[float] = []

    def allow(self, now: float) -> bool:
        self.times = [t for t in self.times if now - t < self.window]
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True

    def delay(self) -> float:
        """A short wait that grows with recent restarts: 1, 2, 4… seconds."""
        return float(min(30, 2 ** max(0, len(self.times) - 1)))


def _start(cmd: list[str], extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **extra_env}
    return subprocess.Popen(cmd, env=env, start_new_session=True)  # noqa: S603


def _run_children(commands: dict[str, tuple[list[str], dict[str, str]]]) -> int:
    """Run processes side by side until Ctrl-C (or SIGTERM); then stop them all.

    A child that dies is started again on its own, the others untouched, at most
    SIL_RESTART_LIMIT times in SIL_RESTART_WINDOW_S seconds (5 in 300 by default); past that
    the node stops with the child's status, for the process manager to act.

    Each child leads its own process group, and the whole group is stopped: gunicorn's workers
    must not outlive their master (they would keep the port and talk to a stopped database).
    """
    from sil.env import env_int

    limit = env_int("SIL_RESTART_LIMIT", 5)
    window = float(env_int("SIL_RESTART_WINDOW_S", 300))
    children: dict[str, subprocess.Popen[bytes]] = {}
    budgets = {name: RestartBudget(limit, window) for name in commands}
    due: dict[str, float] = {}  # children waiting to be started again, and when
    for name, (cmd, extra_env) in commands.items():
        children[name] = _start(cmd, extra_env)
    status = 0
    try:
        while True:
            now = time.monotonic()
            for name, child in children.items():
                if name in due:
                    continue
                code = child.poll()
                if code is None:
                    continue
                # Whatever the dead leader left of its group goes with it.
                _stop_group(child, signal.SIGKILL)
                if not budgets[name].allow(now):
                    print(
                        f"{name} exited with status {code}, restarted {limit} times in "
                        f"{window:.0f} s; stopping the others.",
                        flush=True,
                    )
                    return code or 1
                due[name] = now + budgets[name].delay()
                print(
                    f"{name} exited with status {code}; starting it again "
                    f"in {due[name] - now:.0f} s.",
                    flush=True,
                )
            for name, when in list(due.items()):
                if now >= when:
                    del due[name]
                    cmd, extra_env = commands[name]
                    children[name] = _start(cmd, extra_env)
                    print(f"{name} started again (pid {children[name].pid}).", flush=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping…")
    finally:
        for child in children.values():
            _stop_group(child, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for child in children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group (a stuck gunicorn worker) is killed.
            _stop_group(child, signal.SIGKILL)
    return status


def serve() -> int:
    return _run_children({"web": (_gunicorn_command(), {"SIL_PROCESS": "web"})})


def worker() -> int:
    return _run_children({"worker": (_worker_command(), {"SIL_PROCESS": "worker"})})


def demo_processes() -> dict[str, tuple[list[str], dict[str, str]]]:
    """What `sil demo` keeps running: the web server and the worker."""
    return {
        "web": (_gunicorn_command(), {"SIL_PROCESS": "web", "SIL_WEB_WORKERS": "3"}),
        "worker": (_worker_command(), {"SIL_PROCESS": "worker"}),
    }


def demo(argv: Sequence[str] = ()) -> int:
    from sil.env import data_dir as node_data_dir
    from sil.env import env_str

    os.environ["SIL_DEMO"] = "1"
    data_dir = node_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "DEMO").write_text("This data folder holds OpenSIL demo data (sil demo).\n")
    if "--no-setup" not in argv:  # the data is there already: just run the processes
        _manage(["migrate", "--no-input", "-v", "0"])
        _manage(["collectstatic", "--no-input", "-v", "0"])
        _manage(["demo_setup"])
        _manage(["demo_accounts"])
    bind = env_str("SIL_BIND", "127.0.0.1:8000")
    print(f"\nOpenSIL demo at http://{bind}/  (Ctrl-C to stop)\n", flush=True)
    return _run_children(demo_processes())


def db(argv: Sequence[str]) -> int:
    from sil.core.db.embedded import ensure_running, from_environment

    action = argv[0] if argv else "status"
    server = from_environment()
    if action == "start":
        ensure_running(server)
        print(f"running on 127.0.0.1:{server.port} (stop it with: sil db stop)")
    elif action == "stop":
        server.stop()
        print("stopped")
    elif action == "status":
        print("running" if server.is_running() else "stopped")
        return 0 if server.is_running() else 3
    elif action == "url":
        print(server.url())
    else:
        print("usage: sil db start|stop|status|url", file=sys.stderr)
        return 2
    return 0


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM (systemd, a container runtime, `kill`) takes the same path as Ctrl-C, so
    # children are stopped and the embedded database shut down cleanly.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    # Children run in their own process groups, so the parent alone hears Ctrl-C, a closed
    # terminal or a process manager, and must act on each even if launched with them ignored.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _terminate)
    command = args[0] if args else "help"
    # Our multi-word commands are spelt with dashes (`sil demo-data`); Django's with underscores.
    if "-" in command and not command.startswith("-"):
        command = command.replace("-", "_")
        args[0] = command
    if command == "db":
        sys.exit(db(args[1:]))
    if command in _NO_DB:
        if command in {"help", "--help", "-h"} and len(args) == 1:
            print(__doc__)
            return
        _manage(args)
        return
    from sil.core.db.embedded import EmbeddedDatabaseError

    try:
        server = _ensure_database()
    except EmbeddedDatabaseError as exc:
        print(f"sil: embedded PostgreSQL: {exc}", file=sys.stderr)
        sys.exit(2)
    code = 0
    try:
        if command == "serve":
            code = serve()
        elif command == "worker":
            code = worker()
        elif command == "demo":
            code = demo(args[1:])
        else:
            _manage(args)
    except KeyboardInterrupt:
        code = 130
    except SystemExit as exc:  # management commands exit with their own status
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:
        from django.core.exceptions import ImproperlyConfigured
        from django.db.utils import ProgrammingError

        if isinstance(exc, ImproperlyConfigured):
            print(f"sil: configuration error: {exc}", file=sys.stderr)
        elif isinstance(exc, ProgrammingError) and "does not exist" in str(exc):
            print(
                "sil: the database is not up to date: run `sil migrate` first "
                f"({str(exc).splitlines()[0]})",
                file=sys.stderr,
            )
        else:
            raise
        code = 2
    finally:
        _stop_database(server)
    sys.exit(code)
