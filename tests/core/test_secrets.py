"""No secret in the repository: generated keys live in the data folder, never in the source."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sil.env import PACKAGE_DIR, data_dir

ROOT = PACKAGE_DIR.parent
# A whole file that is one long token (as `secrets.token_urlsafe` writes), or a key in source.
LONE_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=!@#$%^&*()]{32,}")
KEY_LITERAL = re.compile(r"""SECRET_KEY\s*=\s*["'][^"']{20,}["']""")
SECRET_NAME = re.compile(r"(secret.*key|\.pem$|\.key$|id_rsa|id_ed25519)", re.IGNORECASE)


def tracked_files() -> list[Path]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        ["git", "ls-files", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [ROOT / name for name in listing.stdout.decode().split("\0") if name]


def test_no_tracked_file_looks_like_a_key():
    suspects = []
    for path in tracked_files():
        relative = path.relative_to(ROOT).as_posix()
        if SECRET_NAME.search(path.name):
            suspects.append(f"{relative}: named like a key")
            continue
        if not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary (images, compiled catalogues, compressed data)
        if LONE_TOKEN.fullmatch(text.strip()):
            suspects.append(f"{relative}: the whole file is one token")
        elif not relative.startswith("tests/") and KEY_LITERAL.search(text):
            suspects.append(f"{relative}: a SECRET_KEY literal")
    assert suspects == []


def test_var_folders_are_ignored_anywhere(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for candidate in ("var/secret-key", "sil/var/secret-key", "sil/core/var/x"):
        check = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", candidate],
            cwd=ROOT,
        )
        assert check.returncode == 0, candidate


def test_default_data_folder_is_the_checkouts_whatever_the_current_directory(monkeypatch):
    monkeypatch.delenv("SIL_DATA_DIR", raising=False)
    monkeypatch.chdir(PACKAGE_DIR)
    assert data_dir() == ROOT / "var"


def test_a_data_folder_inside_the_package_is_refused(monkeypatch):
    monkeypatch.setenv("SIL_DATA_DIR", str(PACKAGE_DIR / "var"))
    with pytest.raises(ValueError, match="outside the source package"):
        data_dir()


def test_generated_key_lands_in_the_data_folder(tmp_path):
    """Run from inside `sil/` (as a developer might): the key goes to SIL_DATA_DIR only."""
    env = {k: v for k, v in os.environ.items() if k != "SIL_SECRET_KEY"}
    env.update(SIL_DATA_DIR=str(tmp_path / "node"), SIL_TESTING="1")
    before = set(PACKAGE_DIR.rglob("*secret*"))
    subprocess.run(
        [sys.executable, "-c", "import sil.settings"],
        cwd=PACKAGE_DIR,
        env=env,
        check=True,
    )
    assert (tmp_path / "node" / "secret-key").is_file()
    assert set(PACKAGE_DIR.rglob("*secret*")) == before
