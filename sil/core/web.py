"""The shared web kit: view decorators every app's back-office pages use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def operator_required(view: View) -> View:
    """Signed-in operators (or superusers) only; everyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (getattr(user, "is_operator", False) or user.is_superuser):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
