"""API plumbing shared by every app."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from sil.accounts.middleware import has_mfa


class MFASessionAuthentication(SessionAuthentication):
    """Browser sessions reach the API only once an operator has a second factor."""

    def authenticate(self, request: Request):  # type: ignore[no-untyped-def]
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if getattr(user, "is_operator", False) and not has_mfa(user):
            return None
        return user, auth
