"""API plumbing shared by every app: authentication, throttling, access logging, docs, tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, throttling
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.settings import api_settings

from sil.accounts.middleware import has_mfa
from sil.core.audit import AccessLoggedMixin, add_audit_user, audit_context

__all__ = ["AccessLoggedMixin"]  # kept here too: viewsets import their plumbing from one place

# --- authentication ----------------------------------------------------------------------


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF tokens for systems; the token's user also names the audit context of writes."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            add_audit_user(result[0])
        return result


class MFASessionAuthentication(authentication.SessionAuthentication):
    """Browser sessions reach the API only once an operator has a second factor."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if getattr(user, "is_operator", False) and not has_mfa(user):
            return None
        add_audit_user(user)
        return user, auth


class MFASessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "sil.core.api.MFASessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


# --- throttling --------------------------------------------------------------------------


# DRF copies the rates into a class attribute at import; these read them per request instead,
# so changed settings (and test overrides) take effect.


class AnonRateThrottle(throttling.AnonRateThrottle):
    def __init__(self) -> None:
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        super().__init__()


class UserRateThrottle(throttling.UserRateThrottle):
    def __init__(self) -> None:
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        super().__init__()


# --- tokens ------------------------------------------------------------------------------


class ApiTokenError(Exception):
    pass


def _user_by_email(email: str) -> Any:
    user_model = get_user_model()
    try:
        return user_model.objects.get(email__iexact=email)
    except user_model.DoesNotExist as exc:
        raise ApiTokenError(_("Nessun utente con e-mail %(email)s.") % {"email": email}) from exc


def do_issue_api_token(email: str, *, rotate: bool = False) -> str:
    """Create the user's API token and return its key (shown once by the caller)."""
    with transaction.atomic(), audit_context(action="issue_api_token", email=email):
        user = _user_by_email(email)
        if not user.is_active:
            raise ApiTokenError(_("L'utente %(email)s non è attivo.") % {"email": email})
        existing = Token.objects.filter(user=user)
        if existing.exists():
            if not rotate:
                raise ApiTokenError(
                    _("L'utente %(email)s ha già un token: usare --rotate per sostituirlo.")
                    % {"email": email}
                )
            existing.delete()
        return str(Token.objects.create(user=user).key)


def do_revoke_api_token(email: str) -> bool:
    """Delete the user's API token; False when there was none."""
    with transaction.atomic(), audit_context(action="revoke_api_token", email=email):
        user = _user_by_email(email)
        deleted, _rows = Token.objects.filter(user=user).delete()
        return deleted > 0
