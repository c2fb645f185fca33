"""API tokens: only for system accounts or people with a second factor, with expiry and last use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.authtoken.models import Token

from sil.accounts.models import Membership, Role, User, UserKind
from sil.core.api import ApiTokenError, do_issue_api_token
from sil.core.models import ApiTokenPolicy
from sil.people.models import Person
from sil.territory.models import Office, OfficeKind
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def make_user(email: str, kind: str) -> User:
    return User.objects.create_user(
        username=email, email=email, password="a-long-test-password", kind=kind
    )


def give_mfa(user: User) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "X"}
    )


@pytest.fixture
def regional_operator() -> User:
    office = Office.objects.create(kind=OfficeKind.REGION, code="REG01", name="Regione")
    operator = make_user("regione@example.org", UserKind.OPERATOR)
    Membership.objects.create(user=operator, office=office, role=Role.REGION)
    return operator


def people_of(client, key: str):
    return client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {key}")


def test_token_of_operator_without_second_factor_is_refused_at_use(client, regional_operator):
    person = PersonFactory()
    # A token that predates the rule (or was issued while a factor was enrolled).
    give_mfa(regional_operator)
    key = do_issue_api_token(regional_operator.email)
    assert people_of(client, key).json()["results"][0]["id"] == person.pk
    Authenticator.objects.filter(user=regional_operator).delete()
    response = people_of(client, key)
    assert response.status_code == 401
    assert "due fattori" in response.json()["detail"]


def test_token_created_directly_for_operator_without_mfa_reads_nothing(client, regional_operator):
    PersonFactory()
    token = Token.objects.create(user=regional_operator)
    ApiTokenPolicy.objects.create(token=token, expires_at=token.created + timedelta(days=30))
    assert Person.objects.exists()
    assert people_of(client, token.key).status_code == 401


def test_issuing_a_token_to_operator_without_mfa_is_refused(regional_operator):
    with pytest.raises(ApiTokenError, match="secondo fattore"):
        do_issue_api_token(regional_operator.email)
    with pytest.raises(CommandError, match="secondo fattore"):
        call_command("apitoken", "create", regional_operator.email)
    assert not Token.objects.exists()
    give_mfa(regional_operator)
    assert do_issue_api_token(regional_operator.email)


def test_citizen_without_mfa_gets_no_token():
    citizen = make_user("cittadino@example.org", UserKind.CITIZEN)
    with pytest.raises(ApiTokenError):
        do_issue_api_token(citizen.email)


def test_system_account_token_works_without_mfa_and_records_last_use(client):
    system = make_user("gestionale@example.org", UserKind.SYSTEM)
    key = do_issue_api_token(system.email)
    policy = ApiTokenPolicy.objects.get(token__user=system)
    assert policy.last_used_at is None
    assert client.get("/api/v1/offices/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    policy.refresh_from_db()
    assert policy.last_used_at is not None


@override_settings(SIL_API_TOKEN_DAYS=30)
def test_token_expiry_defaults_to_the_setting_and_is_enforced(client):
    system = make_user("scadenza@example.org", UserKind.SYSTEM)
    key = do_issue_api_token(system.email)
    policy = ApiTokenPolicy.objects.get(token__user=system)
    assert policy.expires_at - policy.token.created == pytest.approx(
        timedelta(days=30), abs=timedelta(seconds=5)
    )
    with pytest.raises(ApiTokenError, match="da 1 a 30 giorni"):
        do_issue_api_token(system.email, rotate=True, days=31)
    ApiTokenPolicy.objects.filter(pk=policy.pk).update(
        expires_at=policy.token.created - timedelta(seconds=1)
    )
    response = client.get("/api/v1/offices/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "scaduto" in response.json()["detail"]


def test_token_without_recorded_expiry_is_refused(client):
    system = make_user("senza-scadenza@example.org", UserKind.SYSTEM)
    token = Token.objects.create(user=system)
    assert (
        client.get("/api/v1/offices/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    )


def test_apitoken_command_days_and_list(capsys):
    make_user("elenco@example.org", UserKind.SYSTEM)
    call_command("apitoken", "create", "elenco@example.org", "--days", "7")
    policy = ApiTokenPolicy.objects.get()
    assert policy.expires_at - policy.token.created == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=5)
    )
    capsys.readouterr()
    call_command("apitoken", "list")
    line = capsys.readouterr().out.strip()
    assert line.startswith("elenco@example.org\tsystem\t")
    assert f"{policy.expires_at:%Y-%m-%d %H:%M}" in line


def test_system_account_reads_only_the_offices_of_its_memberships(client):
    cpi_a = Office.objects.create(kind=OfficeKind.CPI, code="CPIA", name="CPI A")
    cpi_b = Office.objects.create(kind=OfficeKind.CPI, code="CPIB", name="CPI B")
    mine = PersonFactory(competent_office=cpi_a)
    PersonFactory(competent_office=cpi_b)
    system = make_user("integrazione@example.org", UserKind.SYSTEM)
    key = do_issue_api_token(system.email)
    assert people_of(client, key).json()["count"] == 0  # no membership: nobody
    Membership.objects.create(user=system, office=cpi_a, role=Role.CPI_OPERATOR)
    body = people_of(client, key).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
