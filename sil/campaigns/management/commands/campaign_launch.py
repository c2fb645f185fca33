"""`sil campaign-launch SLUG`: schedule a campaign, queue its messages and set it running."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.campaigns.launch import do_launch_campaign
from sil.campaigns.models import Campaign

PHASES = {"scheduling": "calendari dei CPI", "messages": "convocazioni"}


class Command(BaseCommand):
    help = _("Avvia una campagna: appuntamenti, convocazioni e promemoria in una transazione.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help=_("codice della campagna"))
        parser.add_argument(
            "--user", required=True, help=_("e-mail dell'utente della Regione che avvia")
        )
        parser.add_argument("--json", action="store_true", help=_("resoconto in JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["slug"]).first()
        if campaign is None:
            raise CommandError(_("Campagna %(slug)s inesistente.") % {"slug": options["slug"]})
        user_model = get_user_model()
        by = user_model.objects.filter(
            **{user_model.USERNAME_FIELD: options["user"]}, is_active=True
        ).first()
        if by is None:
            raise CommandError(_("Utente %(user)s inesistente.") % {"user": options["user"]})
        bars: dict[str, Any] = {}

        def progress(done: int, total: int, phase: str) -> None:
            if not sys.stderr.isatty():
                return
            from tqdm import tqdm

            bar = bars.get(phase)
            if bar is None:
                bar = bars[phase] = tqdm(total=total, desc=PHASES.get(phase, phase), leave=False)
            bar.update(done - bar.n)

        try:
            result = do_launch_campaign(campaign, by=by, progress=progress)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        self.stdout.write(
            _(
                "Campagna avviata: %(scheduled)d appuntamenti su %(total)d convocazioni, "
                "%(messages)d messaggi in coda; %(unscheduled)d persone senza posto."
            )
            % {
                "scheduled": result.scheduled,
                "total": result.convocations,
                "messages": result.messages,
                "unscheduled": result.unscheduled,
            }
        )
