"""`sil demo_operators`: the demo accounts, one per role, with TOTP already enrolled."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.accounts.actions import do_add_membership, do_create_operator, do_enrol_totp
from sil.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_offices, require_demo, totp_secret
from sil.accounts.models import User


class Command(BaseCommand):
    help = gettext_lazy("Crea (o aggiorna) gli operatori dimostrativi. Solo con SIL_DEMO=1.")

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo()
        offices = demo_offices()
        created = 0
        try:
            with transaction.atomic():
                for account in DEMO_ACCOUNTS:
                    office = offices[account.office_kind]
                    user = User.objects.filter(email__iexact=account.email).first()
                    if user is None:
                        user = do_create_operator(
                            email=account.email,
                            first_name=account.first_name,
                            last_name=account.last_name,
                            office_code=office.code,
                            role=account.role,
                            password=DEMO_PASSWORD,
                            is_superuser=account.superuser,
                        )
                        created += 1
                    else:
                        do_add_membership(user=user, office_code=office.code, role=account.role)
                        if not user.check_password(DEMO_PASSWORD):
                            user.set_password(DEMO_PASSWORD)
                            user.save(update_fields=["password"])
                    do_enrol_totp(user=user, secret=totp_secret(account.email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Operatori dimostrativi: %(created)d creati, %(total)d in tutto.")
            % {"created": created, "total": len(DEMO_ACCOUNTS)}
        )
        self.stdout.write(_("Password comune: %(password)s") % {"password": DEMO_PASSWORD})
