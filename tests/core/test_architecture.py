"""Guards on the architecture: the import layers contract, checked as `make lint` checks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the `sil` package found in `root` with the project's contract."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sil_copy(tmp_path: Path) -> Path:
    """A copy of the Python sources of `sil`, to break the contract in without touching the tree."""
    shutil.copytree(
        ROOT / "sil",
        tmp_path / "sil",
        ignore=lambda folder, names: (
            [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]
            + [n for n in names if n in {"__pycache__", "locale", "static", "templates", "var"}]
        ),
    )
    return tmp_path


def test_the_import_layers_contract_is_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(sil_copy: Path):
    assert _lint_imports(sil_copy).returncode == 0  # the copy is faithful
    (sil_copy / "sil" / "people" / "upwards.py").write_text("import sil.campaigns.models\n")
    result = _lint_imports(sil_copy)
    assert result.returncode != 0
    assert "sil.people is not allowed to import sil.campaigns" in result.stdout
    assert "sil.people.upwards -> sil.campaigns.models" in result.stdout


def test_independent_siblings_may_not_import_each_other(sil_copy: Path):
    (sil_copy / "sil" / "did" / "sideways.py").write_text("import sil.dossier.models\n")
    result = _lint_imports(sil_copy)
    assert result.returncode != 0
    assert "sil.did is not allowed to import sil.dossier" in result.stdout


def test_a_new_app_must_be_given_a_layer(sil_copy: Path):
    (sil_copy / "sil" / "portal").mkdir()
    (sil_copy / "sil" / "portal" / "__init__.py").write_text("")
    result = _lint_imports(sil_copy)
    assert result.returncode != 0
    assert "sil.portal" in result.stdout
