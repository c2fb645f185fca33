"""Benchmarks that cannot lie: run twice in a row on the same bench database, each one finds
(or rebuilds) its population; one that measured nothing fails instead of reporting zeros."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sil.classifications.models import Profession, ProfessionSystem
from sil.people.models import Person
from sil.scale import bench, bench_load, generator
from sil.scale.management.commands.bench import EMPTY_POPULATION
from tests.factories import CompetenceFactory, CountryFactory, MunicipalityFactory, OfficeFactory

# The load benchmark empties the people tables with TRUNCATE: not inside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 60


@pytest.fixture
def region() -> None:
    naples = MunicipalityFactory(naples=True, population=9000, latitude=40.85, longitude=14.27)
    salerno = MunicipalityFactory(salerno=True, population=3000, latitude=40.68, longitude=14.77)
    office = OfficeFactory(name="CPI Napoli")
    for place in (naples, salerno):
        CompetenceFactory(office=office, municipality=place)
    CountryFactory(romania=True)
    for n, name in enumerate(("Commessi", "Cuochi", "Muratori"), start=1):
        Profession.objects.create(
            system=ProfessionSystem.CP2011, code=f"5.1.2.{n}.0", level=5, name=name
        )
    bench.ensure_bench_database()


def run_bench(name: str, tmp_path: Path, *extra: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(
        "bench",
        name,
        "--people",
        str(PEOPLE),
        "--json",
        "--results",
        str(tmp_path),
        *extra,
        stdout=out,
    )
    figures: dict[str, Any] = json.loads(out.getvalue().strip().splitlines()[-1])
    return figures


def test_load_then_matching_twice_measures_people_both_times(region, tmp_path):
    rounds = []
    for _round in range(2):
        load = run_bench("load", tmp_path, "--vacancies", "5")
        assert load["rows"] == PEOPLE
        matching = run_bench("matching", tmp_path, "--vacancies", "5")
        rounds.append(matching)
    for matching in rounds:
        assert matching["available_people"] > 0
        assert matching["vacancies"] == 5
        assert matching["p95_ms"] > 0 and matching["baseline_p95_ms"] > 0
        assert matching["ratio"] > 0
    # The same population the second time: the generator rebuilt what the load emptied.
    assert rounds[1]["available_people"] == rounds[0]["available_people"]
    assert rounds[1]["profiles"] == rounds[0]["profiles"]


def test_generator_makes_again_the_people_removed_since_its_records(region):
    generator.generate(PEOPLE, seed=4)
    codes = sorted(Person.objects.values_list("fiscal_code", flat=True))
    bench_load.empty_people_tables()  # what the load benchmark does before it loads
    assert generator.loaded(4) == {}
    summary = generator.generate(PEOPLE, seed=4)
    assert summary["created"] == PEOPLE
    assert sorted(Person.objects.values_list("fiscal_code", flat=True)) == codes
    # Once made again, the new records count: a third run adds nothing.
    assert generator.generate(PEOPLE, seed=4)["created"] == 0


def test_a_benchmark_that_measured_nothing_fails(region, tmp_path, monkeypatch):
    # A benchmark registered like the others, over a population that is not there.
    monkeypatch.setitem(bench.BENCHMARKS, "empty", f"{__name__}:nothing_available")
    monkeypatch.setitem(bench.POPULATION, "empty", "available_people")
    with pytest.raises(CommandError, match="non ha misurato nulla") as raised:
        run_bench("empty", tmp_path)
    assert raised.value.returncode == EMPTY_POPULATION
    assert not (tmp_path / "empty.json").exists()


def nothing_available(people: int, seed: int = 1) -> dict[str, Any]:
    """What the matching benchmark used to report over an emptied bench database."""
    return {"people": people, "available_people": 0, "p95_ms": 0.0, "ratio": 0}


def test_every_benchmark_names_its_population():
    assert set(bench.POPULATION) >= set(bench.BENCHMARKS)
    with pytest.raises(bench.EmptyPopulation):
        bench.check_population("load", {"rows": 0})
    with pytest.raises(bench.EmptyPopulation):
        bench.check_population("search", {})
    bench.check_population("jobs", {"vacancies": 3})
