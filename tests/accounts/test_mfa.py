from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator

from sil.accounts.models import UserKind
from tests.accounts.conftest import login_with_totp
from tests.accounts.factories import PASSWORD, make_operator

pytestmark = pytest.mark.django_db

ACTIVATE = "/account/2fa/totp/activate/"


def password_login(client, user):
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize(
    "path", ["/", "/operatori/", "/operatori/territorio/uffici/", "/operatori/admin/"]
)
def test_operator_without_mfa_is_sent_to_totp_enrolment(client, path):
    user, _ = make_operator(is_staff=True)
    password_login(client, user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_api_answers_403_json_without_mfa(client):
    user, _ = make_operator()
    password_login(client, user)
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert "due fattori" in response.json()["detail"]


def test_account_pages_stay_reachable_without_mfa(client):
    user, _ = make_operator()
    response = password_login(client, user)
    assert response["Location"] == "/"
    page = client.get(ACTIVATE)
    assert page.status_code == 200, page.get("Location")
    html = page.content.decode()
    # The page explains why, shows the QR code (allauth's SVG) and the secret.
    assert 'id="mfa-required"' in html
    assert "data:image/svg+xml;base64," in html
    secret = page.context["form"].secret
    assert secret in html
    assert client.get("/account/password/change/").status_code == 200


def test_enrolment_then_home_and_recovery_codes(client):
    user, _ = make_operator()
    password_login(client, user)
    page = client.get(ACTIVATE)
    secret = page.context["form"].secret
    response = client.post(ACTIVATE, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()
    codes_page = client.get("/account/2fa/recovery-codes/")
    assert codes_page.status_code == 200
    codes = codes_page.context["unused_codes"]
    assert len(codes) == 10
    assert all(code in codes_page.content.decode() for code in codes)
    assert client.get("/").status_code == 200


def test_login_with_totp_asks_for_the_code_before_home(client, operator_with_totp):
    user, secret = operator_with_totp
    response = password_login(client, user)
    assert response["Location"] == "/account/2fa/authenticate/"
    # Not signed in yet: the home page sends back to login.
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/account/login/")
    stage = client.get("/account/2fa/authenticate/")
    assert stage.status_code == 200
    assert 'name="code"' in stage.content.decode()
    wrong = client.post("/account/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    ok = client.post("/account/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 302
    assert ok["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.email in home.content.decode() or "Maria Bianchi" in home.content.decode()


def test_recovery_code_signs_in_instead_of_totp(client, operator_with_totp):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user, _ = operator_with_totp
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    password_login(client, user)
    ok = client.post("/account/2fa/authenticate/", {"code": code})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


def test_operator_cannot_remove_last_second_factor(mfa_client):
    # Removing a factor of an older enrolment needs a fresh password.
    assert mfa_client.get("/account/2fa/totp/deactivate/").status_code == 302
    response = mfa_client.post(
        "/account/reauthenticate/?next=/account/2fa/totp/deactivate/", {"password": PASSWORD}
    )
    assert response.status_code == 302
    page = mfa_client.get("/account/2fa/totp/deactivate/")
    assert page.status_code == 200
    response = mfa_client.post("/account/2fa/totp/deactivate/", {})
    assert response.status_code == 200
    assert "almeno un secondo fattore" in response.content.decode()
    assert Authenticator.objects.filter(user=mfa_client.user, type="totp").exists()


def test_citizens_are_not_forced_into_mfa(client):
    user, _ = make_operator(role=None, kind=UserKind.CITIZEN)
    password_login(client, user)
    assert client.get("/").status_code == 200


def test_full_login_helper_reaches_home(client, operator_with_totp):
    user, secret = operator_with_totp
    login_with_totp(client, user, secret)
    assert client.get("/operatori/territorio/uffici/").status_code == 200
