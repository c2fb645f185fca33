"""The benchmarks find their reference data on a fresh clone too."""

from __future__ import annotations

import pytest

from bench.__main__ import ROOT, _refdata_args


def test_configured_folder_is_used(tmp_path):
    assert _refdata_args({"SIL_BENCH_REFDATA": str(tmp_path)}) == (
        "refdata",
        "load",
        str(tmp_path),
    )


def test_a_missing_configured_folder_stops_the_run(tmp_path):
    with pytest.raises(SystemExit, match="not found"):
        _refdata_args({"SIL_BENCH_REFDATA": str(tmp_path / "nowhere")})


def test_without_a_folder_beside_the_clone_the_shipped_data_load():
    beside = ROOT.parent / "shared" / "data"
    expected = ("refdata", "load", str(beside)) if beside.is_dir() else ("refdata", "load")
    assert _refdata_args({}) == expected
