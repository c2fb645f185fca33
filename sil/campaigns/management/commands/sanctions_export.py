"""`sil sanctions-export --campaign SLUG --format csv|json [--mark-sent] [--batch ID]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.campaigns.models import Campaign
from sil.campaigns.sanctions import FORMATS, SanctionExportError, export


class Command(BaseCommand):
    help = _(
        "Esporta gli eventi sanzionabili non ancora trasmessi alla piattaforma nazionale "
        "(o un lotto già trasmesso)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", help=_("codice della campagna (tutte se assente)"))
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--mark-sent",
            action="store_true",
            help=_("segna gli eventi esportati come trasmessi, con un nuovo lotto"),
        )
        parser.add_argument("--batch", default="", help=_("riesporta questo lotto"))
        parser.add_argument("--output", help=_("file di destinazione (altrimenti lo schermo)"))

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(slug=options["campaign"]).first()
            if campaign is None:
                raise CommandError(
                    _("Campagna %(slug)s inesistente.") % {"slug": options["campaign"]}
                )
        if options["batch"] and options["mark_sent"]:
            raise CommandError(_("Un lotto già trasmesso non si segna di nuovo."))
        try:
            result = export(
                campaign,
                options["format"],
                mark_sent=options["mark_sent"],
                batch=options["batch"],
            )
        except SanctionExportError as exc:
            raise CommandError(str(exc)) from exc
        if options["output"]:
            Path(options["output"]).write_text(result.content, encoding="utf-8")
        else:
            self.stdout.write(result.content, ending="")
        note = _("%(count)d eventi esportati.") % {"count": result.count}
        if result.batch:
            note += " " + _("Lotto: %(batch)s") % {"batch": result.batch}
        self.stderr.write(note)
