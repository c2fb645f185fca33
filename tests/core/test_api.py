"""The REST API plumbing: authentication, pagination, throttling, schema, docs, tokens."""

from __future__ import annotations

import pytest
import yaml
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from sil.accounts.models import User, UserKind
from sil.core.api import MFASessionAuthentication, do_issue_api_token
from sil.territory.models import Office, OfficeKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def make_user(email: str, kind: str = UserKind.SYSTEM, **extra) -> User:
    return User.objects.create_user(
        username=email.split("@")[0],
        email=email,
        password="a-long-test-password",
        kind=kind,
        **extra,
    )


def give_mfa(user: User) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "X"})


def token_header(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {do_issue_api_token(user.email)}"}


@pytest.fixture
def offices() -> list[Office]:
    return Office.objects.bulk_create(
        Office(kind=OfficeKind.CPI, code=f"CPI{n:03}", name=f"CPI di prova {n:03}")
        for n in range(51)
    )


# --- authentication ------------------------------------------------------------------------


def test_api_refuses_anonymous_requests(client, offices):
    response = client.get("/api/v1/offices/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_api_refuses_unknown_token(client, offices):
    response = client.get("/api/v1/offices/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401


def test_api_with_token_returns_paginated_offices(client, offices):
    header = token_header(make_user("gestionale@example.org"))
    response = client.get("/api/v1/offices/", **header)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 51
    assert len(body["results"]) == settings.REST_FRAMEWORK["PAGE_SIZE"] == 50
    assert body["next"].endswith("/api/v1/offices/?page=2")
    assert body["previous"] is None
    assert body["results"][0]["name"] == "CPI di prova 000"
    second = client.get(body["next"], **header).json()
    assert [office["code"] for office in second["results"]] == ["CPI050"]
    assert response["Cache-Control"] == "no-store"


def test_inactive_user_token_is_refused(client, offices):
    system = make_user("spento@example.org")
    header = token_header(system)
    User.objects.filter(pk=system.pk).update(is_active=False)
    assert client.get("/api/v1/offices/", **header).status_code == 401


def test_operator_session_needs_a_second_factor(client, offices):
    operator = make_user("operatore@example.org", kind=UserKind.OPERATOR)
    client.force_login(operator)
    assert client.get("/api/v1/offices/").status_code == 403
    give_mfa(operator)
    assert client.get("/api/v1/offices/").status_code == 200


def test_mfa_session_authentication_itself_refuses_operators_without_mfa():
    # The middleware stops these sessions first; the API must hold on its own as well.
    operator = make_user("solo-password@example.org", kind=UserKind.OPERATOR)
    citizen = make_user("cittadino@example.org", kind=UserKind.CITIZEN)
    auth = MFASessionAuthentication()

    def authenticate(user):
        request = RequestFactory().get("/api/v1/offices/")
        request.user = user
        return auth.authenticate(Request(request))

    assert authenticate(operator) is None
    assert authenticate(citizen) == (citizen, None)
    give_mfa(operator)
    assert authenticate(operator) == (operator, None)


# --- throttling ----------------------------------------------------------------------------

LOW_RATES = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute"},
}


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_user_throttle_answers_429(client, offices):
    header = token_header(make_user("insistente@example.org"))
    statuses = [client.get("/api/v1/offices/", **header).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/offices/", **header)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_anonymous_throttle_answers_429(client):
    statuses = [client.get("/api/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_default_rates_do_not_throttle_ordinary_use(client, offices):
    header = token_header(make_user("normale@example.org"))
    assert {client.get("/api/v1/offices/", **header).status_code for _ in range(10)} == {200}


# --- schema and documentation ---------------------------------------------------------------


def test_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "openapi.yaml"
    # --fail-on-warn raises on any warning; --validate checks against the OpenAPI JSON schema
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/offices/" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "sessionAuth"}


def test_schema_is_served(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/municipalities/{id}/" in response.json()["paths"]


def test_docs_page_serves_swagger_ui_from_our_origin(client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="/static/swagger-ui/swagger-ui-bundle.js"' in html
    assert 'src="/api/docs/?script="' in html  # init code in a file, not inline
    assert "<script>" not in html
    # Everything the page loads comes from our origin, as the CSP demands.
    assert "https://" not in html
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


# --- tokens ---------------------------------------------------------------------------------


def test_apitoken_create_prints_the_key_once(capsys):
    user = make_user("sistema@example.org")
    call_command("apitoken", "create", "sistema@example.org")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=user).key == key
    with pytest.raises(CommandError, match="ha già un token"):
        call_command("apitoken", "create", "sistema@example.org")
    call_command("apitoken", "create", "SISTEMA@example.org", "--rotate")
    rotated = capsys.readouterr().out.strip()
    assert rotated != key
    assert Token.objects.get(user=user).key == rotated


def test_apitoken_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match=r"Nessun utente con e-mail nessuno@example\.org") as exc:
        call_command("apitoken", "create", "nessuno@example.org")
    assert exc.value.returncode != 0
    assert not Token.objects.exists()


def test_apitoken_list_and_revoke(capsys):
    make_user("a@example.org")
    call_command("apitoken", "create", "a@example.org")
    capsys.readouterr()
    call_command("apitoken", "list")
    listing = capsys.readouterr().out
    assert listing.startswith("a@example.org\t")
    assert Token.objects.get().key not in listing
    call_command("apitoken", "revoke", "a@example.org")
    assert not Token.objects.exists()
    with pytest.raises(CommandError, match="non ha token"):
        call_command("apitoken", "revoke", "a@example.org")
