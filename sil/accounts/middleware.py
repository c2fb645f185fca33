"""Operators must have a second factor before they can use anything else."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Paths an operator without MFA may still reach: enrolment, logout, language, static files.
_ALLOWED_PREFIXES = ("/account/", "/i18n/", "/static/", "/healthz", "/favicon")

# Session flag: this session's operator has a strong second factor. Cleared when one is removed
# (see sil.accounts.receivers).
SESSION_FLAG = "sil_mfa_ok"

_STRONG = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def requires_mfa(user: Any) -> bool:
    """Operators and employer users must have a second factor."""
    return bool(getattr(user, "is_operator", False) or getattr(user, "kind", None) == "employer")


def has_mfa(user: Any) -> bool:
    """Whether the user has a TOTP app or a security key (recovery codes alone do not count)."""
    return Authenticator.objects.filter(user=user, type__in=_STRONG).exists()


class OperatorMFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and requires_mfa(user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not request.session.get(SESSION_FLAG)
        ):
            if has_mfa(user):
                request.session[SESSION_FLAG] = True
            elif request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Attivare l'autenticazione a due fattori prima di usare l'API.")},
                    status=403,
                )
            else:
                return redirect("mfa_activate_totp")
        return self.get_response(request)


LOGIN_AT_KEY = "sil_login_at"


class SessionLifetimeMiddleware:
    """Absolute session lifetime (ASVS 3.3.2): after SESSION_MAX_AGE_HOURS, sign in again.

    The idle timeout is Django's own (SESSION_COOKIE_AGE renewed at every request).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(LOGIN_AT_KEY)
            if not isinstance(started, int):
                request.session[LOGIN_AT_KEY] = now
            elif now - started > settings.SESSION_MAX_AGE_HOURS * 3600:
                logout(request)
                # MessageMiddleware comes later in the chain: store the message ourselves.
                storage = default_storage(request)
                storage.add(messages.INFO, _("La sessione è scaduta: accedere di nuovo."))
                response = redirect_to_login(request.get_full_path())
                storage.update(response)
                return response
        return self.get_response(request)
