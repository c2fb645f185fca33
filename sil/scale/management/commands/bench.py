"""`sil bench NAME --people N [--seed S] [--json] [--results DIR]`: one benchmark.

NAME is one of sil.scale.bench.BENCHMARKS (load, search, matching, jobs, campaign). The figures are
printed (one JSON line with --json) and written to DIR/NAME.json (default bench/results) with
the machine's CPU count and memory, the PostgreSQL and Python versions, the date and the
command. Benchmarks replace or add data: they run only on a bench database (see
sil.scale.bench.ensure_bench_database).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.scale import bench

# Exit statuses the runner (python -m bench) tells apart: a benchmark not there yet is skipped.
UNAVAILABLE = 3
NOT_A_BENCH_DATABASE = 4
EMPTY_POPULATION = 5


def default_vacancies(name: str, people: int) -> int:
    """Vacancies when not given: the job board is measured at the Region's ~30,000 open ones;
    matching ranks candidates for a sample of vacancies proportional to the people."""
    if name == "jobs":
        return 30_000 if people >= 1_000_000 else max(200, people // 4)
    return max(20, min(500, people // 3200))


def arguments(run: bench.Benchmark, options: dict[str, Any]) -> dict[str, Any]:
    """The options this benchmark's run() takes: people and seed always, vacancies if asked."""
    people = options["people"]
    offered = {
        "people": people,
        "seed": options["seed"],
        "vacancies": options.get("vacancies") or default_vacancies(options.get("name", ""), people),
    }
    # Campaign benchmark: the list size and the CPIs, when given (its own defaults otherwise).
    for name in ("beneficiaries", "offices"):
        if options.get(name):
            offered[name] = options[name]
    accepted = inspect.signature(run).parameters
    return {name: value for name, value in offered.items() if name in accepted}


def command_line(options: dict[str, Any]) -> list[str]:
    """The command that reproduces these figures (from the options, whoever called it)."""
    words = ["sil", "bench", options["name"], "--people", str(options["people"])]
    words += ["--seed", str(options["seed"])]
    for name in ("vacancies", "beneficiaries", "offices"):
        if options.get(name):
            words += [f"--{name}", str(options[name])]
    return [*words, "--json"] if options.get("json") else words


class Command(BaseCommand):
    help = _("Esegue un benchmark a scala regionale su un database di benchmark.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(bench.BENCHMARKS), help=_("quale benchmark"))
        parser.add_argument(
            "--people", type=int, default=2_000, help=_("persone nel database (2000)")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("seme casuale"))
        parser.add_argument(
            "--vacancies",
            type=int,
            default=None,
            help=_("offerte di lavoro, per i benchmark che le usano (in proporzione alle persone)"),
        )
        parser.add_argument(
            "--beneficiaries",
            type=int,
            default=None,
            help=_("beneficiari nella lista, per il benchmark delle campagne"),
        )
        parser.add_argument(
            "--offices", type=int, default=None, help=_("CPI, per il benchmark delle campagne")
        )
        parser.add_argument("--json", action="store_true", help=_("una riga JSON in uscita"))
        parser.add_argument(
            "--results",
            type=Path,
            default=None,
            help=_("cartella dei risultati (bench/results)"),
        )
        parser.add_argument(
            "--no-write", action="store_true", help=_("non scrivere il file dei risultati")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        if options["people"] <= 0:
            raise CommandError(_("--people deve essere positivo."))
        try:
            run = bench.resolve(name)
        except bench.BenchmarkUnavailable as exc:
            raise CommandError(str(exc), returncode=UNAVAILABLE) from exc
        try:
            bench.ensure_bench_database()
        except bench.NotABenchDatabase as exc:
            raise CommandError(str(exc), returncode=NOT_A_BENCH_DATABASE) from exc
        figures = run(**arguments(run, options))
        try:
            bench.check_population(name, figures)
        except bench.EmptyPopulation as exc:
            raise CommandError(str(exc), returncode=EMPTY_POPULATION) from exc
        result = {"benchmark": name, **figures, **bench.environment(command_line(options))}
        if not options["no_write"]:
            path = bench.write_result(name, result, options["results"])
            result_path = str(path)
        else:
            result_path = ""
        if options["json"]:
            self.stdout.write(json.dumps(result, sort_keys=True, default=str))
            return
        self.stdout.write(f"{name}:")
        for key, value in result.items():
            if key != "benchmark":
                self.stdout.write(f"  {key}: {value}")
        if result_path:
            self.stdout.write(_("  (scritto in %(path)s)") % {"path": result_path})
