"""`sil offices import FILE.csv [--dry-run]`: CPIs, job desks and regional offices.

The format is described in sil/territory/offices.py. Offices are matched by code; the
municipalities listed replace the office's competences. Nothing is written if any row is bad.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sil.core.commands import ErrorLog
from sil.territory.actions import do_import_offices
from sil.territory.offices import read_offices


class Command(BaseCommand):
    help = "Importa gli uffici (CPI, sportelli, uffici regionali) e i comuni di competenza."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help=_("importa un file CSV di uffici"))
        load.add_argument("file", help=_("file CSV"))
        load.add_argument("--dry-run", action="store_true", help=_("valida soltanto"))

    def handle(self, *args: Any, **options: Any) -> None:
        errors = ErrorLog()
        items = read_offices(Path(options["file"]), errors)
        if errors:
            raise errors.command_error()
        if options["dry_run"]:
            self.stdout.write(
                _("Validazione riuscita: %d uffici pronti all'importazione.") % len(items)
            )
            return
        result = do_import_offices(items)
        self.stdout.write(
            _(
                "Uffici: %(c)d creati, %(u)d aggiornati, %(s)d invariati. "
                "Competenze: %(a)d aggiunte, %(r)d rimosse."
            )
            % {
                "c": result.offices.created,
                "u": result.offices.updated,
                "s": result.offices.unchanged,
                "a": result.competences_added,
                "r": result.competences_removed,
            }
        )
