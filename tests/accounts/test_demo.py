from __future__ import annotations

import io

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError

from sil.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, totp_secret
from sil.accounts.models import Membership, Role, User
from tests.accounts.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEMO = True
    return settings


@pytest.fixture
def demo_offices(db):
    return {
        "cpi": OfficeFactory(code="CPI-A", name="CPI di Avellino"),
        "cpi2": OfficeFactory(code="CPI-B", name="CPI di Benevento"),
        "region": OfficeFactory(region=True, code="REG-CAM", name="Regione Campania"),
    }


@pytest.mark.parametrize("command", ["demo_operators", "demo_accounts"])
def test_refused_outside_demo_mode(settings, command):
    settings.DEMO = False
    with pytest.raises(CommandError, match="modalità dimostrativa"):
        run(command)


def test_refused_outside_demo_mode_totp(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="modalità dimostrativa"):
        run("demo_totp", "operatore@demo.opensil.it")


def test_clear_error_without_offices(demo):
    with pytest.raises(CommandError, match="demo_setup"):
        run("demo_operators")
    assert not User.objects.exists()


def test_demo_operators_are_created_once_with_roles_offices_and_totp(demo, demo_offices):
    out = run("demo_operators")
    assert DEMO_PASSWORD in out
    run("demo_operators")  # idempotent
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert Membership.objects.count() == len(DEMO_ACCOUNTS)
    expected = {
        "operatore": (Role.CPI_OPERATOR, "CPI-A"),
        "responsabile": (Role.CPI_MANAGER, "CPI-A"),
        "mirato": (Role.TARGETED_OPERATOR, "CPI-A"),
        "regione": (Role.REGION, "REG-CAM"),
        "admin": (Role.ADMIN, "REG-CAM"),
        "auditor": (Role.AUDITOR, "REG-CAM"),
    }
    for local, (role, code) in expected.items():
        user = User.objects.get(email=f"{local}@demo.opensil.it")
        assert user.check_password(DEMO_PASSWORD)
        membership = user.memberships.get()
        assert (membership.role, membership.office.code) == (role, code)
        assert Authenticator.objects.filter(user=user, type="totp").count() == 1
        assert Authenticator.objects.filter(user=user, type="recovery_codes").count() == 1
    admin = User.objects.get(email="admin@demo.opensil.it")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(email="operatore@demo.opensil.it").is_staff


def test_demo_totp_prints_a_code_that_logs_in(demo, demo_offices, client):
    run("demo_operators")
    out = run("demo_totp", "operatore@demo.opensil.it").split()
    code, uri = out[0], out[1]
    secret = totp_secret("operatore@demo.opensil.it")
    assert pyotp.TOTP(secret).verify(code, valid_window=1)
    assert uri.startswith("otpauth://totp/")
    assert f"secret={secret}" in uri
    response = client.post(
        "/account/login/", {"login": "operatore@demo.opensil.it", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/account/2fa/authenticate/"
    response = client.post("/account/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_totp_rejects_other_addresses(demo, demo_offices):
    with pytest.raises(CommandError, match="non è un account dimostrativo"):
        run("demo_totp", "someone@example.it")


def test_demo_accounts_table(demo, demo_offices):
    run("demo_operators")
    out = run("demo_accounts")
    for account in DEMO_ACCOUNTS:
        assert account.email in out
    assert "CPI di Avellino" in out and "Regione Campania" in out
    assert DEMO_PASSWORD in out
    assert "sil demo_totp" in out


def test_secrets_differ_per_account():
    secrets = {totp_secret(a.email) for a in DEMO_ACCOUNTS}
    assert len(secrets) == len(DEMO_ACCOUNTS)
