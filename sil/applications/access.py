"""Who is the citizen behind a request: a signed-in user of kind citizen whose fiscal code is a
person of the registry. Real SPID/CIE sign-in will create the same kind of user."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from sil.accounts.models import UserKind
from sil.people.models import Person

View = Callable[..., HttpResponse]
_CACHE = "_sil_citizen_person"


def citizen_person(request: HttpRequest) -> Person:
    """The signed-in citizen's person (one query, cached on the request); 403 if none."""
    cached = getattr(request, _CACHE, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user: Any = request.user
    if not (
        user.is_authenticated and getattr(user, "kind", "") == UserKind.CITIZEN and user.fiscal_code
    ):
        raise PermissionDenied
    person = (
        Person.objects.select_related(
            "residence_municipality", "domicile_municipality", "competent_office"
        )
        .filter(fiscal_code=user.fiscal_code, merged_into__isnull=True)
        .first()
    )
    if person is None:
        raise PermissionDenied
    setattr(request, _CACHE, person)
    return person


def login_url() -> str:
    from django.conf import settings

    if settings.DEMO:
        return reverse("citizen:demo_login")
    return reverse("account_login")


def citizen_required(view: View) -> View:
    """Signed-in citizens with a person in the registry; others are sent to sign in (anonymous)
    or refused (403: operators, employers, citizens unknown to the registry)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url())
        citizen_person(request)
        return view(request, *args, **kwargs)

    return wrapper
