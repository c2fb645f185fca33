"""`sil appointments slots --office CODE --from D --to D`: create slots from the templates."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.appointments.actions import do_create_slots
from sil.territory.models import Office


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("Data non valida (AAAA-MM-GG): %(d)s") % {"d": text}) from error


class Command(BaseCommand):
    help = _("Agende degli uffici: creazione degli slot dai modelli di disponibilità.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        slots = sub.add_parser("slots", help=_("Crea gli slot di un ufficio (o di tutti)."))
        which = slots.add_mutually_exclusive_group(required=True)
        which.add_argument("--office", metavar="CODICE", help=_("Codice dell'ufficio."))
        which.add_argument("--all", action="store_true", help=_("Tutti gli uffici attivi."))
        slots.add_argument("--from", dest="date_from", required=True, metavar="AAAA-MM-GG")
        slots.add_argument("--to", dest="date_to", required=True, metavar="AAAA-MM-GG")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if options["all"]:
            offices = list(
                Office.objects.filter(is_active=True, calendars__isnull=False).distinct()
            )
        else:
            office = Office.objects.filter(code=options["office"]).first()
            if office is None:
                raise CommandError(_("Ufficio sconosciuto: %(c)s") % {"c": options["office"]})
            offices = [office]
        bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(offices), desc=_("Uffici"), unit=" uff.", leave=False)
        created = 0
        try:
            for office in offices:
                created += do_create_slots(office, date_from, date_to)
                if bar is not None:
                    bar.update(1)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(
            _("Slot creati: %(n)d (uffici: %(o)d).") % {"n": created, "o": len(offices)}
        )
