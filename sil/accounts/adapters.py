from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sil.core.middleware import client_ip

# Second factors that count for the "operators must use MFA" rule (recovery codes do not).
STRONG_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Operators are created by administrators; citizens arrive through SPID/CIE.
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Employer users land in the employer area, citizens in their personal area; everyone
        else on the home page."""
        if getattr(request.user, "kind", None) == "employer":
            return reverse("employer_area:home")
        if getattr(request.user, "kind", None) == "citizen":
            return reverse("citizen:home")
        return str(super().get_login_redirect_url(request))

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits count by: the audit log's rule, X-Forwarded-For
        believed only from SIL_TRUSTED_PROXIES (allauth's own rule counts proxies instead)."""
        return client_ip(request) or str(super().get_client_ip(request))

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Ask for the password again before MFA changes, except during the first enrolment.

        An operator without a second factor is sent to TOTP enrolment right after signing in
        with the password, then shown the recovery codes: asking for that same password again
        a second later only confuses. So, within REAUTHENTICATION_TIMEOUT of signing in, and
        only while every authenticator of the user was created after that sign-in, no
        reauthentication is asked. Adding or removing a factor later requires one.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        if not required or app != "allauth.mfa":
            return required
        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return required
        records = get_authentication_records(request, user)
        if not records:
            return True
        signed_in_at = float(records[-1].get("at", 0))
        if time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT:
            return True
        older = Authenticator.objects.filter(
            user_id=user.pk, created_at__lt=datetime.fromtimestamp(signed_in_at, tz=UTC)
        )
        return older.exists()


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Gli operatori devono mantenere almeno un secondo fattore: aggiungere una chiave "
            "di sicurezza prima di disattivare l'app di autenticazione."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """An operator may not remove their last TOTP or security key."""
        user = authenticator.user
        if not (getattr(user, "is_operator", False) or getattr(user, "kind", None) == "employer"):
            return True
        others = Authenticator.objects.filter(user=user, type__in=STRONG_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists()
