from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from tests.accounts.conftest import login_with_totp
from tests.accounts.factories import PASSWORD, make_operator

pytestmark = pytest.mark.django_db


def attempt(client, email, password, ip="10.1.2.3"):
    return client.post("/account/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_lockout_after_failure_limit_for_same_email_and_ip(client):
    user, _ = make_operator(totp=True)
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = attempt(client, user.email, "wrong-password-123")
        assert response.status_code == 200  # the form again, with an error
        assert response.context["form"].errors
    response = attempt(client, user.email, "wrong-password-123")
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username=user.email).exists()
    # Even the right password is refused now, with the lockout page.
    response = attempt(client, user.email, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'id="lockout"' in html
    assert "Accesso temporaneamente bloccato" in html
    assert "it-header-wrapper" in html  # rendered in the shell
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_email_and_ip(client):
    user, _ = make_operator(totp=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, "wrong-password-123")
    # Same e-mail from another address: not locked, the password stage passes.
    response = attempt(client, user.email, PASSWORD, ip="10.9.9.9")
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/authenticate/"


def test_complete_sign_in_resets_failures(client):
    user, secret = make_operator(totp=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, user.email, "wrong-password-123", ip="127.0.0.1")
    login_with_totp(client, user, secret)
    client.logout()
    response = attempt(client, user.email, "wrong-password-123", ip="127.0.0.1")
    assert response.status_code == 200
