"""Embedded PostgreSQL lifecycle on a throwaway cluster (the real wheel, not a mock)."""

import socket

import psycopg

from sil.core.db.embedded import EmbeddedPostgres, ensure_running


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_start_stop_restart_keeps_data(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    server = EmbeddedPostgres(data_dir=tmp_path / "var", port=_free_port())
    try:
        _, started = ensure_running(server)
        assert started
        assert (tmp_path / "var" / "pg-password").stat().st_mode & 0o077 == 0
        with psycopg.connect(server.url()) as conn:
            extensions = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
            assert {"pg_trgm", "unaccent", "vector"} <= extensions
            conn.execute("CREATE TABLE kept (x int)")
            conn.execute("INSERT INTO kept VALUES (42)")
        # A second caller finds it running and does not own it.
        assert ensure_running(server)[1] is False
        server.stop()
        assert not server.is_running()
        assert server.start() is True
        with psycopg.connect(server.url()) as conn:
            assert conn.execute("SELECT x FROM kept").fetchone() == (42,)
    finally:
        server.stop()


def test_listens_on_loopback_only_with_password(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    server = EmbeddedPostgres(data_dir=tmp_path / "var", port=_free_port())
    try:
        ensure_running(server)
        with psycopg.connect(server.url()) as conn:
            listen = conn.execute("SHOW listen_addresses").fetchone()[0]
        assert listen == "127.0.0.1"
        bad = f"postgresql://postgres:wrong@127.0.0.1:{server.port}/sil"
        try:
            psycopg.connect(bad).close()
            raise AssertionError("a wrong password was accepted")
        except psycopg.OperationalError as exc:
            assert "password authentication failed" in str(exc)
    finally:
        server.stop()


def test_port_taken_by_another_program_is_a_clear_error(tmp_path, monkeypatch):
    import pytest

    from sil.core.db.embedded import EmbeddedDatabaseError

    monkeypatch.delenv("DATABASE_URL", raising=False)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        server = EmbeddedPostgres(data_dir=tmp_path / "var", port=squatter.getsockname()[1])
        with pytest.raises(EmbeddedDatabaseError, match="SIL_DB_PORT"):
            ensure_running(server)
    assert not server.is_running()
