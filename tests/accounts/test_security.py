"""Security headers, cache control and session settings, through the real middleware stack."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from sil.accounts.middleware import LOGIN_AT_KEY

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        bits = part.strip().split()
        if bits:
            directives[bits[0]] = bits[1:]
    return directives


def test_login_page_has_csp_without_inline_script_or_style(client):
    response = client.get("/account/login/")
    assert response.status_code == 200
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    # Every <script> is an external file or inert JSON data; no <style> blocks, no handlers.
    import re

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_other_security_headers(client):
    response = client.get("/account/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_signed_in_pages_are_not_stored(mfa_client):
    for path in ("/", "/operatori/territorio/uffici/", "/account/password/change/"):
        response = mfa_client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path
        assert "Content-Security-Policy" in response


def test_api_is_not_stored_even_anonymous(client):
    response = client.get("/api/v1/")
    assert response["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/core/css/sil.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_session_cookie_flags_and_idle_timeout(client, operator_with_totp):
    from tests.accounts.conftest import login_with_totp

    user, secret = operator_with_totp
    login_with_totp(client, user, secret)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    # Idle timeout: the server-side session expires SESSION_COOKIE_AGE after the last request.
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_session_id_changes_at_login(client, operator_with_totp):
    from tests.accounts.conftest import login_with_totp

    client.get("/account/login/")
    client.session.save()
    before = client.session.session_key
    user, secret = operator_with_totp
    login_with_totp(client, user, secret)
    assert client.session.session_key != before


def test_absolute_session_lifetime(mfa_client):
    assert mfa_client.get("/").status_code == 200
    session = mfa_client.session
    session[LOGIN_AT_KEY] = int(time.time()) - settings.SESSION_MAX_AGE_HOURS * 3600 - 60
    session.save()
    response = mfa_client.get("/operatori/territorio/uffici/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert mfa_client.get("/").status_code == 302  # signed out


def test_password_policy():
    from django.contrib.auth.password_validation import get_password_validators

    names = {type(v).__name__ for v in get_password_validators(settings.AUTH_PASSWORD_VALIDATORS)}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names
    min_length = next(
        v.min_length
        for v in get_password_validators(settings.AUTH_PASSWORD_VALIDATORS)
        if type(v).__name__ == "MinimumLengthValidator"
    )
    assert min_length >= 12
