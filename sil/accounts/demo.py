"""Demo accounts: who they are, their shared password and their derived TOTP secrets.

Only for `SIL_DEMO=1`. The TOTP secret of each account is derived from SECRET_KEY and the
e-mail, so `sil demo_totp EMAIL` can print the current code without storing anything else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from sil.accounts.models import Role, User
from sil.territory.models import Office, OfficeKind

DEMO_DOMAIN = "demo.opensil.it"
DEMO_PASSWORD = "Scrivania-Lavoro-2025"  # noqa: S105 - published on purpose, demo mode only


@dataclass(frozen=True)
class DemoAccount:
    local_part: str
    first_name: str
    last_name: str
    role: Role
    office_kind: str
    superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("operatore", "Giulia", "Esposito", Role.CPI_OPERATOR, OfficeKind.CPI),
    DemoAccount("responsabile", "Marco", "Russo", Role.CPI_MANAGER, OfficeKind.CPI),
    DemoAccount("mirato", "Anna", "Romano", Role.TARGETED_OPERATOR, OfficeKind.CPI),
    DemoAccount("regione", "Luca", "Ferrara", Role.REGION, OfficeKind.REGION),
    DemoAccount("admin", "Sara", "Gallo", Role.ADMIN, OfficeKind.REGION, superuser=True),
    DemoAccount("auditor", "Paolo", "Conti", Role.AUDITOR, OfficeKind.REGION),
)


def require_demo() -> None:
    if not settings.DEMO:
        raise CommandError(_("Comando disponibile solo in modalità dimostrativa (SIL_DEMO=1)."))


def demo_account(email: str) -> DemoAccount:
    wanted = email.strip().lower()
    for account in DEMO_ACCOUNTS:
        if account.email == wanted:
            return account
    raise CommandError(
        _("«%(email)s» non è un account dimostrativo. Account: %(emails)s.")
        % {"email": email, "emails": ", ".join(a.email for a in DEMO_ACCOUNTS)}
    )


def totp_secret(email: str) -> str:
    """A fixed base32 secret for a demo e-mail (HMAC of SECRET_KEY and the address)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"opensil-demo-totp:{email.lower()}".encode(), hashlib.sha1
    ).digest()
    return base64.b32encode(digest).decode("ascii")


def current_code(secret: str, at: float | None = None) -> str:
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def otpauth_uri(user: User, secret: str) -> str:
    return get_mfa_adapter().build_totp_url(user, secret)


def demo_offices() -> dict[str, Office]:
    """The office used for each kind of demo account: first CPI and the regional office."""
    cpi = Office.objects.filter(kind=OfficeKind.CPI, is_active=True).order_by("code").first()
    region = Office.objects.filter(kind=OfficeKind.REGION, is_active=True).order_by("code").first()
    if cpi is None or region is None:
        raise CommandError(
            _(
                "Mancano gli uffici dimostrativi (un Centro per l'Impiego e un ufficio "
                "regionale): eseguire prima «sil demo_setup»."
            )
        )
    return {OfficeKind.CPI: cpi, OfficeKind.REGION: region}
