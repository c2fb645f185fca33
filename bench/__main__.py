"""Benchmarks: `make bench` (or `python -m bench`). SIL_BENCH_SIZE=small for CI.

Each benchmark prints its figures and a ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import os
import sys
import time


def bench_fiscal_code_check(size: int) -> None:
    from codicefiscale import codicefiscale as reference

    from sil.core.fiscal_code import is_valid

    codes = ["RSSMRA79B11C566R", "RCCMNL83S18D969H", "CNTCHR83T41D969D"] * (size // 3)
    start = time.perf_counter()
    ours = sum(1 for code in codes if is_valid(code))
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    theirs = sum(1 for code in codes if reference.is_valid(code))
    theirs_s = time.perf_counter() - start
    assert ours == theirs == len(codes)
    print(
        f"fiscal code check: {len(codes)} codes, ours {len(codes) / ours_s:,.0f}/s, "
        f"python-codicefiscale {len(codes) / theirs_s:,.0f}/s, ratio {theirs_s / ours_s:.1f}x"
    )


def main() -> int:
    size = 3_000 if os.environ.get("SIL_BENCH_SIZE") == "small" else 300_000
    bench_fiscal_code_check(size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
