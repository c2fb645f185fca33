"""`sil matching rebuild [--all | --since HOURS]`: recompute candidate profiles in bulk."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core.audit import audit_context
from sil.matching.profiles import changed_since, refresh_profiles, refresh_range, vacuum_profiles
from sil.people.models import Person

BATCH = 20_000


class Command(BaseCommand):
    help = _("Motore di abbinamento: ricostruisce i profili dei candidati.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help=_("Ricalcola i profili dei candidati."))
        which = rebuild.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help=_("Tutte le persone."))
        which.add_argument(
            "--since",
            type=float,
            metavar="ORE",
            help=_("Le persone con dati cambiati nelle ultime ORE ore."),
        )
        rebuild.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with audit_context(action="matching_rebuild"):
            if options["all"]:
                written = self._all(options["batch"])
            else:
                since = timezone.now() - dt.timedelta(hours=options["since"])
                ids = changed_since(since)
                written = 0
                for start in range(0, len(ids), options["batch"]):
                    written += refresh_profiles(ids[start : start + options["batch"]])
        self.stdout.write(
            _("Profili ricalcolati: %(n)d in %(s).1f s.")
            % {"n": written, "s": time.monotonic() - started}
        )

    def _all(self, batch: int) -> int:
        if batch < 1:
            raise CommandError(_("--batch deve essere positivo."))
        bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None:
            return 0
        low, high = bounds["low"], bounds["high"]
        ranges = [(start, min(start + batch - 1, high)) for start in range(low, high + 1, batch)]
        written = 0
        bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=high - low + 1, desc=_("Profili"), unit=" id", leave=False)
        for first, last in ranges:
            written += refresh_range(first, last)
            if bar is not None:
                bar.update(last - first + 1)
        if bar is not None:
            bar.close()
        # Clear the dead copies of the changed rows and refresh statistics; a caller holding a
        # transaction (demo setup inside a test, a wrapping script) leaves it to autovacuum.
        if not connection.in_atomic_block:
            vacuum_profiles()
        return written
