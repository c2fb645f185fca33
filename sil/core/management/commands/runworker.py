"""`sil runworker [--queue Q …]`: the background worker of one process (what `sil worker` runs).

procrastinate's worker on every queue (or the ones given), restarted with a growing wait after
a database outage instead of exiting (sil.core.worker).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sil.core.worker import run_worker


class Command(BaseCommand):
    help = _(
        "Esegue il worker dei lavori in background, che sopravvive alle interruzioni del database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            default=None,
            help=_("coda da servire (ripetibile; tutte se omessa)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_worker(options["queues"])
