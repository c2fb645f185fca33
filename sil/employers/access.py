"""Access to the employer area: signed-in employer users acting for an active firm."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from sil.accounts.middleware import SESSION_FLAG, has_mfa
from sil.accounts.models import UserKind
from sil.employers.queries import is_employer_admin, user_employer

View = Callable[..., HttpResponse]


def employer_required(view: View) -> View:
    """Employer users with a membership of an active firm and a second factor.

    Anonymous visitors go to the login page; a signed-in employer user without a second factor
    goes to TOTP enrolment; anyone else (operators, citizens, users without a firm) gets 403.
    The view finds the firm in `request.employer`.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(user, "kind", None) != UserKind.EMPLOYER:
            raise PermissionDenied
        if not request.session.get(SESSION_FLAG):
            if not has_mfa(user):
                return redirect("mfa_activate_totp")
            request.session[SESSION_FLAG] = True
        employer = user_employer(request)
        if employer is None:
            raise PermissionDenied
        request.employer = employer  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def employer_admin_required(view: View) -> View:
    """As employer_required, and the user is an administrator of the firm."""

    @employer_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_employer_admin(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
