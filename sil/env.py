"""Typed readers of environment variables, so settings fail loudly on bad values."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


# The `sil` package itself: nothing generated (secrets, databases, uploads) may land in it.
PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The node's data folder: SIL_DATA_DIR, else `var/` at the root of the checkout (so a
    command run from a sub-folder uses the same one), else `var/` in the current directory.

    A folder inside the source package is refused: a secret key or a database would end up
    beside the code, a `git add` away from being published.
    """
    checkout = PACKAGE_DIR.parent
    default = checkout / "var" if (checkout / "pyproject.toml").is_file() else Path.cwd() / "var"
    path = env_path("SIL_DATA_DIR", default.resolve())
    if path == PACKAGE_DIR or PACKAGE_DIR in path.parents:
        raise ValueError(
            f"SIL_DATA_DIR must lie outside the source package {PACKAGE_DIR}, got {path}"
        )
    return path


def parse_database_url(url: str) -> dict[str, object]:
    """Turn postgres://user:pass@host:port/name?opt=v into a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError("DATABASE_URL must be a postgresql:// URL: PostgreSQL is the only engine")
    options = dict(parse_qsl(parts.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "sil",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }
