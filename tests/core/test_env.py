import pytest

from sil.env import env_bool, env_int, env_list, parse_database_url


def test_database_url_is_parsed():
    db = parse_database_url("postgresql://sil:p%40ss@db.example:6543/opensil?sslmode=require")
    assert db["NAME"] == "opensil"
    assert db["USER"] == "sil"
    assert db["PASSWORD"] == "p@ss"
    assert db["HOST"] == "db.example"
    assert db["PORT"] == "6543"
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_only_postgresql_is_accepted():
    with pytest.raises(ValueError, match="PostgreSQL"):
        parse_database_url("sqlite:///db.sqlite3")


def test_typed_helpers_reject_garbage(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    with pytest.raises(ValueError, match="X_BOOL"):
        env_bool("X_BOOL")
    with pytest.raises(ValueError, match="X_INT"):
        env_int("X_INT", 1)
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_int("X_MISSING", 7) == 7
