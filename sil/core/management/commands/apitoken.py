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
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help="days until the token expires (default and maximum: SIL_API_TOKEN_DAYS)",
        )
        revoke = sub.add_parser("revoke", help="delete the user's token")
        revoke.add_argument("email")
        sub.add_parser(
            "list", help="holders, kind, created, expires, last used (keys are not shown)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                key = do_issue_api_token(
                    options["email"], rotate=options["rotate"], days=options["days"]
                )
                self.stdout.write(key)
                self.stderr.write(_("Conservare il token ora: non sarà più mostrato."))
            elif action == "revoke":
                if not do_revoke_api_token(options["email"]):
                    raise CommandError(
                        _("L'utente %(email)s non ha token.") % {"email": options["email"]}
                    )
                self.stdout.write(_("Token revocato."))
            else:
                tokens = Token.objects.select_related("user", "policy").order_by("created")
                for token in tokens:
                    policy = getattr(token, "policy", None)
                    expires = f"{policy.expires_at:%Y-%m-%d %H:%M}" if policy else "-"
                    used = (
                        f"{policy.last_used_at:%Y-%m-%d %H:%M}"
                        if policy and policy.last_used_at
                        else "-"
                    )
                    self.stdout.write(
                        f"{token.user.email}\t{token.user.kind}\t"
                        f"{token.created:%Y-%m-%d %H:%M}\t{expires}\t{used}"
                    )
        except ApiTokenError as exc:
            raise CommandError(str(exc)) from exc
