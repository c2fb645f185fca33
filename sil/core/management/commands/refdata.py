"""`sil refdata load [DIR | --packages] [--dry-run]`: reference data in one transaction.

The tables are those of `registry.reference_data`, which each app fills from its ready()
(territory, classifications…), read in their order and written in one transaction. Without DIR,
each app's openly licensed files that ship with OpenSIL (`sil/<app>/data`, provenance in their
SOURCES.md). DIR holds files in the same formats, plain or gzip-compressed (recognised by name,
see each app's `refdata.py`); --packages takes what the installed packages provide
(municipalities, foreign states and ATECO only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from sil.core.commands import ErrorLog, Step, SyncResult
from sil.core.registry import registry


class Command(BaseCommand):
    help = "Carica i dati di riferimento (ISTAT, Belfiore, ATECO, CP, ESCO, titoli di studio)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "load", help=_("carica i dati forniti con OpenSIL, o da una cartella o dai pacchetti")
        )
        load.add_argument(
            "directory", nargs="?", help=_("cartella con i file (se omessa: i dati forniti)")
        )
        load.add_argument("--packages", action="store_true", help=_("usa i pacchetti installati"))
        load.add_argument("--dry-run", action="store_true", help=_("valida soltanto"))

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["directory"]
        if directory and options["packages"]:
            raise CommandError(_("Indicare una cartella oppure --packages, non entrambi."))
        errors = ErrorLog()
        steps = self.prepare(
            Path(directory) if directory else None, errors, packages=options["packages"]
        )
        if errors:
            raise errors.command_error()
        if options["dry_run"]:
            self.stdout.write(
                _("Validazione riuscita: %d tabelle pronte al caricamento.") % len(steps)
            )
            return
        results: list[SyncResult] = []
        with transaction.atomic():
            bar = tqdm(steps, desc=_("Dati di riferimento"), unit=_("tabella"), disable=None)
            for label, step in bar:
                bar.set_postfix_str(label)
                results.append(step())
        self.print_summary(results, options["verbosity"])

    def prepare(
        self, directory: Path | None, errors: ErrorLog, packages: bool = False
    ) -> list[Step]:
        sources = list(registry.reference_data)
        if packages:
            read = [(s, s.read_packages(errors)) for s in sources if s.read_packages is not None]
        elif directory is None:
            # Each app reads its own shipped folder, in the registry's order.
            read = [(s, s.read_directory(s.shipped, errors)) for s in sources]
        elif not directory.is_dir():
            raise CommandError(_("%s: cartella non trovata") % directory)
        else:
            read = [(s, s.read_directory(directory, errors)) for s in sources]
        steps = [step for source, data in read for step in source.plan(data)]
        if directory is not None and not steps and not errors:
            raise CommandError(_("%s: nessun file di riferimento riconosciuto") % directory)
        return steps

    def print_summary(self, results: list[SyncResult], verbosity: int) -> None:
        if verbosity < 1:
            return
        headers = [_("Tabella"), _("Creati"), _("Aggiornati"), _("Invariati"), _("Totale")]
        rows = [
            [r.table, str(r.created), str(r.updated), str(r.unchanged), str(r.total)]
            for r in results
        ]
        widths = [max(len(line[i]) for line in [headers, *rows]) for i in range(len(headers))]
        for line in [headers, ["-" * w for w in widths], *rows]:
            cells = [
                line[0].ljust(widths[0]),
                *(c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)),
            ]
            self.stdout.write("  ".join(cells))
