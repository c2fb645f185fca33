"""`sil demo_accounts`: print the demo accounts, their password and how to get a TOTP code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, require_demo
from sil.accounts.models import Membership, User, UserKind


class Command(BaseCommand):
    help = gettext_lazy("Elenca gli account dimostrativi. Solo con SIL_DEMO=1.")

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo()
        emails = [a.email for a in DEMO_ACCOUNTS]
        offices: dict[str, str] = {}
        for m in Membership.objects.filter(
            user__email__in=emails, valid_to__isnull=True
        ).select_related("user", "office"):
            offices.setdefault(m.user.email, m.office.name)
        rows = [
            (a.email, str(a.role.label), offices.get(a.email, _("(non creato)")))
            for a in DEMO_ACCOUNTS
        ]
        header = (_("E-mail"), _("Ruolo"), _("Ufficio"))
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
        line = "  ".join("{:<" + str(w) + "}" for w in widths)
        self.stdout.write(_("Account dimostrativi:"))
        self.stdout.write(line.format(*header))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))
        # Employer users act for a firm; citizens sign in with a codice fiscale (demo only).
        employer_users = User.objects.filter(kind=UserKind.EMPLOYER, is_active=True).order_by(
            "email"
        )[:5]
        for user in employer_users:
            self.stdout.write(line.format(user.email, str(_("Impresa")), _("area /imprese/")))
        citizens = list(
            User.objects.filter(kind=UserKind.CITIZEN, is_active=True)
            .exclude(fiscal_code="")
            .order_by("fiscal_code")
            .values_list("fiscal_code", flat=True)[:3]
        )
        if citizens:
            self.stdout.write(
                _("Cittadini: /area-personale/accesso-demo/ con il codice fiscale, ad es. %(c)s")
                % {"c": ", ".join(citizens)}
            )
        self.stdout.write("")
        self.stdout.write(_("Password (uguale per tutti): %(p)s") % {"p": DEMO_PASSWORD})
        self.stdout.write(
            _(
                "Secondo fattore: il codice a 6 cifre si ottiene con «sil demo_totp EMAIL»; "
                "lo stesso comando stampa l'URI otpauth:// da importare in un'app di "
                "autenticazione."
            )
        )
