"""`sil campaigns import FILE --campaign SLUG [--dry-run] [--json]` and
`sil campaigns dry-run --campaign SLUG [--json]`.

import   check the whole beneficiary list (CSV or XLSX), then write people, households and
         convocations in one transaction; with any bad row nothing is written (exit status 1).
dry-run  what launching the campaign would do: recipients per CPI, exclusions, SMS segments and
         cost, slots needed against capacity, the day the last person would be seen.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.campaigns.dryrun import dry_run
from sil.campaigns.importer import CampaignImportReport, import_file
from sil.campaigns.models import Campaign


class Command(BaseCommand):
    help = "Campagne di convocazione: importazione delle liste e simulazione dell'avvio."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help=_("importa la lista dei beneficiari"))
        load.add_argument("file", help=_("file CSV o XLSX (vedi docs/campaigns.md)"))
        load.add_argument("--campaign", required=True, help=_("codice della campagna"))
        load.add_argument("--dry-run", action="store_true", help=_("valida soltanto"))
        load.add_argument("--json", action="store_true", help=_("resoconto in JSON"))
        simulate = actions.add_parser("dry-run", help=_("simulazione dell'avvio"))
        simulate.add_argument("--campaign", required=True, help=_("codice della campagna"))
        simulate.add_argument("--json", action="store_true", help=_("resoconto in JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = Campaign.objects.select_related("programme").get(slug=options["campaign"])
        except Campaign.DoesNotExist:
            raise CommandError(
                _("Campagna «%s» non trovata.") % options["campaign"], returncode=2
            ) from None
        if options["action"] == "import":
            self._import(campaign, options)
        else:
            result = dry_run(campaign)
            if options["json"]:
                self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(result.summary())

    def _progress(self, items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
        if not sys.stderr.isatty():
            return items
        from tqdm import tqdm

        bar: Iterable[Any] = tqdm(items, total=total, desc=label, leave=False)
        return bar

    def _import(self, campaign: Campaign, options: dict[str, Any]) -> None:
        report = import_file(
            options["file"], campaign, dry_run=options["dry_run"], progress=self._progress
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

    def _print_report(self, report: CampaignImportReport) -> None:
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
        self.stdout.write(
            _(
                "Righe: %(rows)d, valide: %(valid)d, non valide: %(invalid)d, "
                "escluse: %(excluded)d, da convocare: %(convened)d."
            )
            % {
                "rows": report.rows,
                "valid": report.valid,
                "invalid": report.invalid,
                "excluded": report.excluded,
                "convened": report.convened,
            }
        )
        for reason, count in report.excluded_by_reason.items():
            self.stdout.write(f"  {_('escluse')} {reason}: {count}")
        for office, count in report.assigned_by_office.items():
            self.stdout.write(f"  {office}: {count}")
        if report.dry_run:
            self.stdout.write(_("Prova (--dry-run): nulla è stato scritto."))
        elif report.written:
            self.stdout.write(_("Lista importata in %(s).1f s.") % {"s": report.seconds})
