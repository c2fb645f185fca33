"""`sil demo-data --people N [--seed S] [--region PROVINCES] [--json]`: a synthetic Region.

Reproducible (same seed, same people) and resumable: chunks already loaded are skipped and a
larger N adds only the new people. Sections registered by other apps (sil.scale.sections) run
after the people, with --employers/--vacancies passed to them.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.scale import sections
from sil.scale.generator import CAMPANIA_PROVINCES, DEFAULT_SEED, generate


class Command(BaseCommand):
    help = _("Genera una Regione sintetica (persone, DID, fascicoli) in modo riproducibile.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300, help=_("quante persone (300)"))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("seme casuale"))
        parser.add_argument(
            "--region",
            default=",".join(CAMPANIA_PROVINCES),
            help=_("sigle delle province, separate da virgole (quelle della Campania)"),
        )
        parser.add_argument("--employers", type=int, default=0, help=_("quanti datori di lavoro"))
        parser.add_argument("--vacancies", type=int, default=0, help=_("quante offerte di lavoro"))
        parser.add_argument("--json", action="store_true", help=_("resoconto in JSON"))

    def _progress(self, items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
        if not sys.stderr.isatty():
            return items
        from tqdm import tqdm

        bar: Iterable[Any] = tqdm(items, total=total, desc=label, unit="blocco")
        return bar

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 0:
            raise CommandError(_("--people non può essere negativo."))
        provinces = [p.strip().upper() for p in options["region"].split(",") if p.strip()]
        started = time.perf_counter()
        try:
            summary = generate(
                options["people"],
                seed=options["seed"],
                provinces=provinces,
                progress=self._progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts = {
            "people": options["people"],
            "employers": options["employers"],
            "vacancies": options["vacancies"],
        }
        summary["sections"] = {}
        for section in sections.registered():
            summary["sections"][section.name] = section.generate(
                options["seed"], counts, self._progress
            )
        summary["seconds"] = round(time.perf_counter() - started, 2)
        summary["people_per_s"] = (
            round(summary["created"] / summary["seconds"], 1) if summary["seconds"] else None
        )
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _(
                "Persone: %(created)d create, %(skipped)d già presenti (seme %(seed)d); "
                "%(omocodic)d codici omocodici, %(foreign)d nati all'estero; %(seconds)s s."
            )
            % {
                "created": summary["created"],
                "skipped": summary["skipped"],
                "seed": summary["seed"],
                "omocodic": summary["omocodic"],
                "foreign": summary["foreign_born"],
                "seconds": summary["seconds"],
            }
        )
