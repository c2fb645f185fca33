"""`sil bench`: the registry, the bench-database guard, the result file and the search
benchmark at a tiny size."""

import json
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sil.core import fiscal_code as cf
from sil.scale import bench
from sil.scale.bench import search as search_bench
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = {
    "benchmark",
    "queries",
    "p50_ms",
    "p95_ms",
    "api_p50_ms",
    "api_p95_ms",
    "per_kind",
    "baseline_p50_ms",
    "baseline_p95_ms",
    "ratio",
    "cpu_count",
    "ram_bytes",
    "postgresql_version",
    "python_version",
    "date",
    "command",
}


def test_registry_resolves_lazily_and_says_what_is_missing(monkeypatch):
    assert bench.resolve("search") is search_bench.run
    with pytest.raises(bench.BenchmarkUnavailable, match="sconosciuto"):
        bench.resolve("nothing")
    monkeypatch.setitem(bench.BENCHMARKS, "ghost", "sil.ghost.bench:run")
    with pytest.raises(bench.BenchmarkUnavailable, match=r"sil\.ghost\.bench"):
        bench.resolve("ghost")
    assert "ghost" not in bench.available()
    assert "search" in bench.available()


def test_a_database_with_data_is_refused():
    PersonFactory()
    with pytest.raises(bench.NotABenchDatabase):
        bench.ensure_bench_database()
    with pytest.raises(CommandError, match="non è un database di benchmark"):
        call_command("bench", "search", "--people", "1", "--no-write")
    assert bench.MARKER_TABLE not in connection.introspection.table_names()


def test_accounts_alone_are_enough_to_refuse():
    UserFactory()
    with pytest.raises(bench.NotABenchDatabase):
        bench.ensure_bench_database()


def test_an_empty_database_is_marked_once_and_then_accepted():
    bench.ensure_bench_database()
    assert bench.MARKER_TABLE in connection.introspection.table_names()
    PersonFactory()
    bench.ensure_bench_database()  # marked: data of its own no longer matters


def test_typos_and_queries_are_reproducible():
    rng = random.Random(3)
    for word in ("ESPOSITO", "DE LUCA", "RUSSO", "AMATO"):
        typo = search_bench.with_typo(word, rng)
        assert typo != word and abs(len(typo) - len(word)) <= 1
    bench.ensure_bench_database()
    PersonFactory.create_batch(12)
    assert search_bench.make_queries(12, seed=5) == search_bench.make_queries(12, seed=5)
    kinds = [kind for kind, _text in search_bench.make_queries(12, seed=5)]
    assert kinds == list(search_bench.KINDS) * 2
    for kind, text in search_bench.make_queries(12, seed=5):
        if kind == "cf_variant":
            assert cf.is_valid(text) and cf.is_omocodic(text)


def test_legacy_indexes_are_dropped_after_the_baseline():
    with search_bench.legacy_indexes(), connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'bench_legacy%'")
        assert len(cursor.fetchall()) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'bench_legacy%'")
        assert cursor.fetchall() == []


def test_percentiles():
    assert search_bench.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert search_bench.percentile([10.0] * 19 + [100.0], 0.95) == pytest.approx(14.5)
    assert search_bench.percentile([], 0.95) == 0.0


def test_search_bench_command_writes_the_figures(tmp_path, monkeypatch, capsys):
    bench.ensure_bench_database()
    PersonFactory.create_batch(12)  # already enough people: the generator is not called
    monkeypatch.setattr(search_bench, "query_count", lambda people: 12)
    call_command(
        "bench", "search", "--people", "12", "--seed", "7", "--json", "--results", str(tmp_path)
    )
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    printed = json.loads(line)
    written = json.loads((tmp_path / "search.json").read_text())
    assert printed == written
    assert set(written) >= REQUIRED
    assert written["queries"] == 12
    assert written["people"] == 12
    assert written["found"] >= 10  # nearly every query finds someone (a short surname may not)
    assert set(written["per_kind"]) == set(search_bench.KINDS)
    assert written["cpu_count"] >= 1
    assert written["p95_ms"] > 0 and written["api_p95_ms"] > written["p95_ms"] / 10
    assert written["command"].startswith("sil ")
