"""Migrations never import app code: a migration must replay the same way after models change.

A migration that imports an app's models.py (or any app module) breaks when that module is
edited or a class moves; only the kernel's database helpers are stable enough to be named.
"""

from __future__ import annotations

import ast
from pathlib import Path

SIL = Path(__file__).resolve().parents[2] / "sil"

# Kernel helpers a migration may use: database functions named in constraints and indexes.
ALLOWED = {"sil.core.db"}


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def sil_references(source: str) -> set[str]:
    """The `sil.` modules a migration imports, or names through a dotted path, anywhere in it."""
    tree = ast.parse(source)
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Attribute) and id(node) not in inner and (name := _dotted(node)):
            found.add(name)
    return {name for name in found if name == "sil" or name.startswith("sil.")}


def _allowed(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in ALLOWED)


def test_migrations_import_no_app_module():
    offenders = {}
    for path in sorted(SIL.glob("*/migrations/*.py")):
        bad = sorted(n for n in sil_references(path.read_text()) if not _allowed(n))
        if bad:
            offenders[str(path.relative_to(SIL))] = bad
    assert offenders == {}


def test_the_scan_sees_imports_anywhere_in_a_migration():
    source = (
        "import sil.did.models\n"
        "def forwards(apps, schema_editor):\n"
        "    from sil.people.normalise import phone\n"
        "x = sil.did.models.DateRange('a', 'b')\n"
        "y = sil.core.db.TsTzRange('a', 'b')\n"
    )
    bad = {n for n in sil_references(source) if not _allowed(n)}
    assert bad == {"sil.did.models", "sil.people.normalise.phone", "sil.did.models.DateRange"}
