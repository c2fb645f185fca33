from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from tests.accounts.factories import PASSWORD, make_operator


@pytest.fixture
def operator_with_totp(db):
    return make_operator(totp=True)


def login_with_totp(client: Client, user, secret: str) -> None:
    """Full sign-in through allauth: password, then the TOTP stage."""
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == "/account/2fa/authenticate/"
    response = client.post("/account/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content[:2000]


@pytest.fixture
def mfa_client(client, operator_with_totp):
    """A test client signed in as an operator with TOTP, through the real login flow."""
    user, secret = operator_with_totp
    login_with_totp(client, user, secret)
    client.user = user
    return client
