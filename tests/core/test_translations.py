"""Consistency: every Italian UI string has its English translation, compiled."""

import filecmp
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

PO = settings.BASE_DIR / "sil" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed"
)


@needs_gettext
def test_english_catalog_is_complete_and_compiled(tmp_path):
    for flag in ("--untranslated", "--only-fuzzy"):
        leftover = subprocess.run(
            ["msgattrib", flag, "--no-wrap", str(PO)], capture_output=True, text=True, check=True
        ).stdout
        # Only the header (msgid "") may appear.
        assert leftover.count('msgid "') <= 1, f"{flag} entries in {PO}:\n{leftover[:2000]}"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    assert filecmp.cmp(compiled, MO, shallow=False), "django.mo is stale: run `make messages`"


@needs_gettext
def test_catalog_holds_every_string_of_the_code(tmp_path):
    """Extract the strings again from a copy of the code: nothing may be missing from the .po."""
    copy = tmp_path / "sil"
    shutil.copytree(settings.BASE_DIR / "sil", copy, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "SIL_TESTING": "1", "DJANGO_SETTINGS_MODULE": "sil.settings"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            "--ignore",
            "testing/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    missing = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", "-"],
        input=_merge(fresh, PO.read_text(), tmp_path),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert missing.count('msgid "') <= 1, f"strings without translation:\n{missing[:3000]}"


def _merge(fresh: str, current: str, tmp_path) -> str:
    """The fresh template filled with the committed translations (msgmerge)."""
    (tmp_path / "fresh.pot").write_text(fresh)
    (tmp_path / "current.po").write_text(current)
    return subprocess.run(
        [
            "msgmerge",
            "--quiet",
            "--no-fuzzy-matching",
            "--no-wrap",
            str(tmp_path / "current.po"),
            str(tmp_path / "fresh.pot"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
