"""`sil demo_totp EMAIL`: the current TOTP code of a demo account, and its otpauth:// URI."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.accounts.demo import (
    DEMO_DOMAIN,
    current_code,
    demo_account,
    otpauth_uri,
    require_demo,
    totp_secret,
)
from sil.accounts.models import User, UserKind


class Command(BaseCommand):
    help = gettext_lazy(
        "Stampa il codice TOTP corrente di un account dimostrativo. Solo con SIL_DEMO=1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo()
        email = options["email"].strip().lower()
        # Demo employer users (sil demo_employers) live in the demo domain too.
        user = (
            User.objects.filter(email__iexact=email, kind=UserKind.EMPLOYER).first()
            if email.endswith(f"@{DEMO_DOMAIN}")
            else None
        )
        if user is None:
            account = demo_account(email)
            email = account.email
            user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(
                _("L'account %(email)s non esiste ancora: eseguire «sil demo_operators».")
                % {"email": email}
            )
        secret = totp_secret(email)
        self.stdout.write(current_code(secret))
        self.stdout.write(otpauth_uri(user, secret))
