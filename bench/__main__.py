"""Benchmarks: `make bench` (full size) or `make bench-small` (`python -m bench --small`).

Runs on a cluster of its own (SIL_BENCH_DATA_DIR, default var/bench or var/bench-small; port
SIL_BENCH_DB_PORT, default 54349 or 54348): starts it, migrates it, loads the reference data
(SIL_BENCH_REFDATA, default ../shared/data when present, else the shipped data), then runs
`sil bench NAME --json` for every registered benchmark (one skipped with a note when its module
is not there yet) and the fiscal-code micro-benchmark, and stops the cluster. Each benchmark
prints one JSON line and writes bench/results/NAME.json (bench/results/small/ for the small size,
git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The order matters: `load` empties the people tables and loads N people, `search` then
# finds them there (and only tops them up when fewer).
DATABASE_BENCHMARKS = ("load", "search", "matching", "jobs", "campaign")
FULL_PEOPLE = 1_600_000
SMALL_PEOPLE = 2_000
UNAVAILABLE = 3  # sil.scale.management.commands.bench.UNAVAILABLE
BASELINE_CODES = 20_000


def bench_fiscal_code_check(size: int) -> dict[str, Any]:
    """Our check-character validation against python-codicefiscale, on the same codes."""
    from codicefiscale import codicefiscale as reference

    from sil.core.fiscal_code import is_valid

    codes = ["RSSMRA79B11C566R", "RCCMNL83S18D969H", "CNTCHR83T41D969D"] * (size // 3)
    start = time.perf_counter()
    ours = sum(1 for code in codes if is_valid(code))
    ours_s = time.perf_counter() - start
    # The reference is ~200 times slower: timed on a sample, scaled to the same number of codes.
    sample = codes[:BASELINE_CODES]
    start = time.perf_counter()
    theirs = sum(1 for code in sample if reference.is_valid(code))
    theirs_s = (time.perf_counter() - start) * len(codes) / len(sample)
    assert ours == len(codes) and theirs == len(sample)
    return {
        "benchmark": "fiscal_code",
        "codes": len(codes),
        "codes_per_s": round(len(codes) / ours_s),
        "baseline": "python-codicefiscale is_valid (timed on a sample, scaled)",
        "baseline_codes_per_s": round(len(codes) / theirs_s),
        "ratio": round(theirs_s / ours_s, 1),
        "cpu_count": os.cpu_count(),
        "python_version": platform.python_version(),
        "postgresql_version": None,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python -m bench (fiscal code check)",
    }


def _environment(small: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["SIL_DATA_DIR"] = env.get(
        "SIL_BENCH_DATA_DIR", str(ROOT / "var" / ("bench-small" if small else "bench"))
    )
    env["SIL_DB_PORT"] = env.get("SIL_BENCH_DB_PORT", "54348" if small else "54349")
    env["SIL_DEBUG"] = "0"  # no query log: it would cost time and memory
    env.pop("DATABASE_URL", None)  # always the bench cluster, never a configured database
    env.setdefault("SIL_SECRET_KEY", secrets.token_urlsafe(48))
    return env


def _sil(
    env: dict[str, str], *args: str, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sil", *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        check=False,
    )


def _refdata_args(env: dict[str, str]) -> tuple[str, ...]:
    """`refdata load` of SIL_BENCH_REFDATA, else of ../shared/data when there (the figures of
    bench/results were measured on it), else of the reference data that ship with OpenSIL."""
    configured = env.get("SIL_BENCH_REFDATA")
    if configured:
        if not Path(configured).is_dir():
            raise SystemExit(f"bench: reference data not found at {configured}")
        return ("refdata", "load", configured)
    beside = ROOT.parent / "shared" / "data"
    return ("refdata", "load", str(beside)) if beside.is_dir() else ("refdata", "load")


def _prepare(env: dict[str, str]) -> None:
    for args in (
        ("db", "start"),
        ("migrate", "--verbosity", "0"),
        _refdata_args(env),
    ):
        if _sil(env, *args, capture=True).returncode != 0:
            raise SystemExit(f"bench: `sil {' '.join(args)}` failed")


def run_database_benchmarks(env: dict[str, str], people: int, results: Path) -> int:
    failures = 0
    for name in DATABASE_BENCHMARKS:
        started = time.perf_counter()
        done = _sil(
            env,
            "bench",
            name,
            "--people",
            str(people),
            "--json",
            "--results",
            str(results),
            capture=True,
        )
        if done.returncode == UNAVAILABLE:
            print(json.dumps({"benchmark": name, "skipped": "not available yet"}), flush=True)
            continue
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            print(f"bench: {name} failed (exit {done.returncode})", file=sys.stderr, flush=True)
            failures += 1
            continue
        print(lines[-1], flush=True)
        print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--small",
        action="store_true",
        default=os.environ.get("SIL_BENCH_SIZE") == "small",
        help="the size CI affords (2,000 people), results in bench/results/small/",
    )
    parser.add_argument("--people", type=int, help="people for the database benchmarks")
    options = parser.parse_args(argv)
    small = options.small
    people = options.people or (SMALL_PEOPLE if small else FULL_PEOPLE)
    results = RESULTS / "small" if small else RESULTS
    results.mkdir(parents=True, exist_ok=True)

    fiscal = bench_fiscal_code_check(3_000 if small else 300_000)
    (results / "fiscal_code.json").write_text(json.dumps(fiscal, indent=2, sort_keys=True) + "\n")
    print(json.dumps(fiscal, sort_keys=True), flush=True)

    env = _environment(small)
    try:
        _prepare(env)
        failures = run_database_benchmarks(env, people, results)
    finally:
        _sil(env, "db", "stop", capture=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
