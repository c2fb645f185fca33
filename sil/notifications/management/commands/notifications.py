"""`sil notifications dispatch [--until-empty] [--topic PREFIX] [--max-seconds S] [--json]` and
`sil notifications status [--json]`.

dispatch  run the outbox dispatcher in this process (the worker does the same on its own);
          with --until-empty it stops when nothing is due and nothing is being sent.
status    messages by channel and status, the providers' health and what is configured.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sil.notifications.dispatch import Dispatcher
from sil.notifications.queries import outbox_status


class Command(BaseCommand):
    help = "Messaggi in uscita: invio e stato della coda."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("dispatch", help=_("invia i messaggi in coda"))
        run.add_argument(
            "--until-empty", action="store_true", help=_("termina quando la coda è vuota")
        )
        run.add_argument("--topic", default="", help=_("solo gli argomenti con questo prefisso"))
        run.add_argument("--max-seconds", type=float, default=None)
        run.add_argument("--json", action="store_true", help=_("resoconto in JSON"))
        status = actions.add_parser("status", help=_("stato della coda e dei fornitori"))
        status.add_argument("--json", action="store_true", help=_("resoconto in JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "dispatch":
            with Dispatcher(topic_prefix=options["topic"]) as dispatcher:
                stats = dispatcher.run(
                    until_empty=options["until_empty"], max_seconds=options["max_seconds"]
                )
            if options["json"]:
                self.stdout.write(json.dumps(stats.as_dict()))
            else:
                self.stdout.write(
                    _(
                        "Inviati %(sent)d, da ritentare %(retried)d, falliti %(failed)d, scaduti %(expired)d."
                    )
                    % stats.as_dict()
                )
            return
        report = outbox_status()
        if options["json"]:
            self.stdout.write(json.dumps(report, default=str, indent=2))
            return
        for row in report["messages"]:
            self.stdout.write(f"{row['channel']:6} {row['status']:10} {row['count']:>9}")
        for provider in report["providers"]:
            self.stdout.write(
                f"{provider['name']:13} {_('configurato') if provider['configured'] else _('non configurato')}"
                f"  {_('errori consecutivi')}: {provider['consecutive_failures']}"
                f"  {_('sospeso fino a')}: {provider['disabled_until'] or '-'}"
            )
