from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sil.accounts.models import Membership, Role, User
from tests.accounts.factories import OfficeFactory, make_operator

pytestmark = pytest.mark.django_db

GOOD = "Lavoro-Sicuro-Campania-9"


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        import sys

        old = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            call_command("createoperator", *args, stdout=out)
        finally:
            sys.stdin = old
    else:
        call_command("createoperator", *args, stdout=out)
    return out.getvalue()


def base_args(office_code: str, role: str = "cpi_operator", email: str = "nuovo@cpi.example.it"):
    return [
        "--email", email, "--first-name", "Nuovo", "--last-name", "Operatore",
        "--office", office_code, "--role", role,
    ]  # fmt: skip


def test_creates_operator_with_membership_and_usable_password():
    office = OfficeFactory(code="CPI-NA-01")
    out = run(*base_args("CPI-NA-01", "cpi_manager", "Nuovo@CPI.example.it"), "--password", GOOD)
    user = User.objects.get(email="nuovo@cpi.example.it")
    assert user.is_operator and not user.is_staff
    assert user.check_password(GOOD)
    membership = Membership.objects.get(user=user)
    assert (membership.office, membership.role) == (office, Role.CPI_MANAGER)
    assert "nuovo@cpi.example.it" in out


def test_password_from_stdin():
    OfficeFactory(code="CPI-SA-01")
    run(*base_args("CPI-SA-01"), "--password-stdin", stdin=GOOD + "\n")
    assert User.objects.get(email="nuovo@cpi.example.it").check_password(GOOD)


def test_without_password_the_account_cannot_sign_in_yet():
    OfficeFactory(code="CPI-AV-01")
    out = run(*base_args("CPI-AV-01"))
    assert not User.objects.get(email="nuovo@cpi.example.it").has_usable_password()
    assert "Password dimenticata" in out


@pytest.mark.parametrize(
    ("office", "role", "password", "message"),
    [
        ("NOPE", "cpi_operator", GOOD, "Nessun ufficio con codice «NOPE»"),
        ("CPI-X", "boss", GOOD, "Ruolo sconosciuto: «boss»"),
        # Django 5.2 changed this msgid and its Italian catalog lags: check the number only.
        ("CPI-X", "cpi_operator", "short", "12"),
        ("CPI-X", "cpi_operator", "password1234", "troppo comune"),
        ("CPI-X", "cpi_operator", "123456789012345", "interamente numerica"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(office, role, password, message):
    OfficeFactory(code="CPI-X")
    users, memberships = User.objects.count(), Membership.objects.count()
    with pytest.raises(CommandError) as excinfo:
        run(*base_args(office, role), "--password", password)
    assert message in str(excinfo.value)
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)


def test_duplicate_email_is_refused():
    office = OfficeFactory(code="CPI-BN-01")
    make_operator(email="nuovo@cpi.example.it", office=office)
    with pytest.raises(CommandError, match="Esiste già"):
        run(*base_args("CPI-BN-01", email="NUOVO@cpi.example.it"), "--password", GOOD)
    assert User.objects.filter(email__iexact="nuovo@cpi.example.it").count() == 1


def test_inactive_office_is_refused():
    OfficeFactory(code="CPI-OLD", is_active=False)
    with pytest.raises(CommandError, match="non è attivo"):
        run(*base_args("CPI-OLD"), "--password", GOOD)


def test_exit_status_through_the_sil_command(tmp_path):
    """The console command exits non-zero with the Italian error on stderr."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SIL_TESTING": "1", "SIL_PROCESS": "cli"}
    # The test database is the one pytest-django created: point the command at it.
    from django.db import connection

    settings_dict = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgresql://{settings_dict['USER']}:{settings_dict['PASSWORD']}"
        f"@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    )
    result = subprocess.run(
        [sys.executable, "-m", "sil", "createoperator", *base_args("NOPE"), "--password", GOOD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Nessun ufficio con codice «NOPE»" in result.stderr
