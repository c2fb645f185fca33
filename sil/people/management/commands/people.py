"""`sil people import FILE.csv [--dry-run] [--json] [--skip-invalid]` and `sil people duplicates`.

import      validate the whole file (docs/people-import.md), then create or update people in
            one transaction. With any bad row nothing is written unless --skip-invalid.
            Exit status 1 when there are errors and nothing was written, 0 otherwise.
duplicates  list candidate duplicate people (sil.people.duplicates) with reasons and score.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.people.duplicates import DEFAULT_LIMIT, DEFAULT_THRESHOLD, find_duplicates
from sil.people.importer import ImportReport, import_people


class Command(BaseCommand):
    help = "Anagrafica delle persone: importazione da CSV e ricerca dei possibili doppioni."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help=_("importa persone da un file CSV"))
        load.add_argument("file", help=_("file CSV (vedi docs/people-import.md)"))
        load.add_argument("--dry-run", action="store_true", help=_("valida soltanto"))
        load.add_argument("--json", action="store_true", help=_("resoconto in JSON"))
        load.add_argument(
            "--skip-invalid",
            action="store_true",
            help=_("importa le righe valide anche se altre contengono errori"),
        )
        dupes = actions.add_parser("duplicates", help=_("elenca i possibili doppioni"))
        dupes.add_argument("--json", action="store_true", help=_("elenco in JSON"))
        dupes.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
        dupes.add_argument("--limit", type=int, default=DEFAULT_LIMIT)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            self._duplicates(options)

    def _progress(self, items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
        if not sys.stderr.isatty():
            return items
        from tqdm import tqdm

        bar: Iterable[Any] = tqdm(items, total=total, desc=label, leave=False)
        return bar

    def _import(self, options: dict[str, Any]) -> None:
        report = import_people(
            options["file"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            progress=self._progress,
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print_report(report)
        if report.errors and not report.written:
            raise CommandError(
                _("%(n)d errori: nulla è stato scritto.") % {"n": len(report.errors)},
                returncode=1,
            )

    def _print_report(self, report: ImportReport) -> None:
        for problem in report.errors:
            where = _("riga %d") % problem.row if problem.row is not None else _("file")
            self.stderr.write(
                f"{where}: {problem.field or '-'}: [{problem.code}] {problem.message}"
            )
        for warning in report.warnings:
            self.stdout.write(
                _("riga %(row)d: avviso [%(code)s] %(message)s")
                % {"row": warning.row or 0, "code": warning.code, "message": warning.message}
            )
        summary = _(
            "Righe: %(rows)d, valide: %(valid)d, non valide: %(invalid)d. "
            "Create: %(created)d, aggiornate: %(updated)d, invariate: %(unchanged)d."
        ) % {
            "rows": report.rows,
            "valid": report.valid,
            "invalid": report.invalid,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.dry_run:
            summary += " " + _("Prova (--dry-run): nulla è stato scritto.")
        self.stdout.write(summary)

    def _duplicates(self, options: dict[str, Any]) -> None:
        pairs = find_duplicates(
            threshold=options["threshold"], limit=options["limit"], with_people=True
        )
        if options["json"]:
            items = [
                {
                    "score": pair.score,
                    "reasons": list(pair.reasons),
                    "similarity": pair.similarity,
                    "people": [
                        {
                            "id": person.pk,
                            "fiscal_code": person.fiscal_code,
                            "last_name": person.last_name,
                            "first_name": person.first_name,
                            "birth_date": person.birth_date.isoformat(),
                        }
                        for person in pair.people or ()
                    ],
                }
                for pair in pairs
            ]
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        for pair in pairs:
            first, second = pair.people or (None, None)
            self.stdout.write(f"{pair.score:.2f}  {', '.join(pair.reasons)}\n  {first}\n  {second}")
        self.stdout.write(_("%d possibili doppioni.") % len(pairs))
