"""Benchmarks at regional scale: a registry, the bench-database guard and the result files.

Each benchmark is a function ``run(people=N, seed=S) -> dict`` named here by "module:function"
and imported only when asked for, so a benchmark of an app that is not there yet is reported
as unavailable instead of breaking the others. ``sil bench NAME`` (the management command)
adds the machine's figures and writes ``bench/results/NAME.json``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

Benchmark = Callable[..., dict[str, Any]]

BENCHMARKS: dict[str, str] = {
    "load": "sil.scale.bench_load:run",
    "search": "sil.scale.bench.search:run",
    "matching": "sil.matching.bench:run",
    "jobs": "sil.vacancies.bench:run",
    "campaign": "sil.campaigns.bench:run",
}

# The figure of each benchmark that says it had something to measure: the people loaded, the
# people searched, the people available to matching, the vacancies on the board, the
# beneficiaries imported. A benchmark whose figure is 0 measured nothing and must not pass
# for a result (sil bench exits with EMPTY_POPULATION).
POPULATION: dict[str, str] = {
    "load": "rows",
    "search": "people",
    "matching": "available_people",
    "jobs": "vacancies",
    "campaign": "valid",
}

# Created by the benchmarks themselves on an empty database: only a database carrying it may
# be emptied, filled with synthetic people or given benchmark accounts.
MARKER_TABLE = "sil_bench_database"

RESULTS_DIR = Path(settings.BASE_DIR) / "bench" / "results"


class BenchmarkUnavailable(Exception):
    """The benchmark is not registered, or its module is not installed yet."""


class NotABenchDatabase(Exception):
    """The database holds data of its own: benchmarks refuse to touch it."""


class EmptyPopulation(Exception):
    """The benchmark ran over nothing: its figures would be meaningless."""


def check_population(name: str, figures: dict[str, Any]) -> None:
    """Raise EmptyPopulation unless the benchmark's population figure is above zero."""
    key = POPULATION.get(name)
    if key is None:
        return
    value = figures.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise EmptyPopulation(
            _(
                "Il benchmark «%(name)s» non ha misurato nulla (%(key)s = %(value)s): i dati "
                "che gli servono mancano nel database di benchmark e non è stato possibile "
                "ricostruirli. Nessun risultato è stato scritto."
            )
            % {"name": name, "key": key, "value": value}
        )


def resolve(name: str) -> Benchmark:
    """The run function of a registered benchmark (imported now)."""
    target = BENCHMARKS.get(name)
    if target is None:
        known = ", ".join(sorted(BENCHMARKS))
        raise BenchmarkUnavailable(
            _("Benchmark sconosciuto «%(name)s» (disponibili: %(known)s).")
            % {"name": name, "known": known}
        )
    module_name, _sep, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise BenchmarkUnavailable(
                _("Il benchmark «%(name)s» non è ancora disponibile (manca %(module)s).")
                % {"name": name, "module": module_name}
            ) from exc
        raise
    function = getattr(module, function_name, None)
    if not callable(function):
        raise BenchmarkUnavailable(
            _("Benchmark «%(name)s»: %(target)s non è una funzione.")
            % {"name": name, "target": target}
        )
    run: Benchmark = function
    return run


def available() -> list[str]:
    """The registered benchmarks whose modules import."""
    names = []
    for name in BENCHMARKS:
        try:
            resolve(name)
        except BenchmarkUnavailable:
            continue
        names.append(name)
    return names


def _has_marker() -> bool:
    return MARKER_TABLE in connection.introspection.table_names()


def _holds_data() -> list[str]:
    """What makes the database look like somebody's: people or user accounts."""
    from django.contrib.auth import get_user_model

    from sil.people.models import Person

    found = []
    if Person.objects.exists():
        found.append(str(_("persone")))
    if get_user_model().objects.exists():
        found.append(str(_("utenze")))
    return found


def ensure_bench_database() -> None:
    """Mark an empty database as a bench database, or refuse one that holds data.

    Raises NotABenchDatabase unless the database carries the marker or is empty (no people,
    no accounts), in which case the marker is created.
    """
    with transaction.atomic():
        if _has_marker():
            return
        found = _holds_data()
        if found:
            raise NotABenchDatabase(
                _(
                    "Questo database contiene %(data)s e non è un database di benchmark: i "
                    "benchmark girano solo su un database che hanno marcato quando era vuoto "
                    "(`make bench` usa un proprio cluster in var/bench)."
                )
                % {"data": _(" e ").join(found)}
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {MARKER_TABLE} ("
                "created_at timestamptz NOT NULL DEFAULT now(), note text NOT NULL)"
            )
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (note) VALUES (%s)",  # noqa: S608 - our constant
                ["created by sil bench on an empty database; benchmarks may replace its data"],
            )


def _ram_bytes() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def environment(command: list[str]) -> dict[str, Any]:
    """The machine and software the figures were measured on."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return {
        "cpu_count": os.cpu_count(),
        "ram_bytes": _ram_bytes(),
        "postgresql_version": row[0] if row else None,
        "python_version": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(command),
    }


def write_result(name: str, result: dict[str, Any], directory: Path | None = None) -> Path:
    """Write the result as bench/results/NAME.json (stable key order, one file per benchmark)."""
    directory = directory or RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n")
    return path
