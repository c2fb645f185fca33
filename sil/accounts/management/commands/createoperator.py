"""`sil createoperator`: create an operator with an office membership and a role."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.accounts.actions import do_create_operator
from sil.accounts.models import Role


class Command(BaseCommand):
    help = gettext_lazy(
        "Crea un operatore con ufficio e ruolo. Al primo accesso dovrà attivare la 2FA."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--office", required=True, help=gettext_lazy("codice dell'ufficio"))
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password-stdin",
            action="store_true",
            help=gettext_lazy("legge la password dallo standard input"),
        )
        secret.add_argument(
            "--password",
            help=gettext_lazy("password (sconsigliato: resta nella cronologia della shell)"),
        )
        parser.add_argument(
            "--staff", action="store_true", help=gettext_lazy("accesso all'amministrazione")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Django runs commands untranslated; the people who run this one read Italian.
        with translation.override(settings.LANGUAGE_CODE):
            self._create(options)

    def _create(self, options: dict[str, Any]) -> None:
        password: str | None = options["password"]
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = do_create_operator(
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                office_code=options["office"],
                role=options["role"],
                password=password,
                is_staff=options["staff"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Operatore creato: %(email)s (%(role)s, ufficio %(office)s).")
                % {
                    "email": user.email,
                    "role": Role(options["role"]).label,
                    "office": options["office"],
                }
            )
        )
        if password is None:
            self.stdout.write(
                _("Nessuna password impostata: l'operatore deve usare «Password dimenticata».")
            )
