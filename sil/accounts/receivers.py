"""Signal receivers of the accounts app (connected in AccountsConfig.ready)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from sil.accounts.middleware import LOGIN_AT_KEY, SESSION_FLAG


@receiver(authenticator_removed)
def forget_mfa_check(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """After a second factor is removed, check again on the next request."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_FLAG, None)


@receiver(user_logged_in)
def remember_login_time(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """Start the absolute session lifetime at sign-in."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LOGIN_AT_KEY] = int(time.time())
