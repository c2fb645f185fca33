"""Operators must have a second factor before they can use anything else."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Paths an operator without MFA may still reach: enrolment, logout, language, static files.
_ALLOWED_PREFIXES = ("/account/", "/i18n/", "/static/", "/healthz", "/favicon")


def has_mfa(user: object) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class OperatorMFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_operator", False)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not request.session.get("sil_mfa_ok")
        ):
            if has_mfa(user):
                # Cache the answer for this session; enrolment cannot be undone while logged in
                # without passing through /account/ pages, which clear it.
                request.session["sil_mfa_ok"] = True
            elif request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Attivare l'autenticazione a due fattori prima di usare l'API.")},
                    status=403,
                )
            else:
                return redirect("mfa_activate_totp")
        return self.get_response(request)
