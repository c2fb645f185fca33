"""`sil apitoken create|revoke|list`: API tokens for systems that call /api/v1/."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from sil.core.api import ApiTokenError, do_issue_api_token, do_revoke_api_token


class Command(BaseCommand):
    help = "Create, revoke or list API tokens (the key is shown only when created)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token to the user with this e-mail")
        create.add_argument("email")
        create.add_argument(
            "--rotate", action="store_true", help="replace the user's existing token"
        )
        revoke = sub.add_parser("revoke", help="delete the user's token")
        revoke.add_argument("email")
        sub.add_parser("list", help="users holding a token (keys are not shown)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                key = do_issue_api_token(options["email"], rotate=options["rotate"])
                self.stdout.write(key)
                self.stderr.write(_("Conservare il token ora: non sarà più mostrato."))
            elif action == "revoke":
                if not do_revoke_api_token(options["email"]):
                    raise CommandError(
                        _("L'utente %(email)s non ha token.") % {"email": options["email"]}
                    )
                self.stdout.write(_("Token revocato."))
            else:
                for token in Token.objects.select_related("user").order_by("created"):
                    self.stdout.write(f"{token.user.email}\t{token.created:%Y-%m-%d %H:%M}")
        except ApiTokenError as exc:
            raise CommandError(str(exc)) from exc
