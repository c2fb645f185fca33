"""Login limits behind a load balancer: counted per real client, never per proxy address.

The client address comes from one rule (sil.core.middleware.client_ip, also the audit log's):
X-Forwarded-For is believed only from SIL_TRUSTED_PROXIES. allauth's rate limits and axes'
lockouts both use it.
"""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings

from tests.accounts.factories import PASSWORD, make_operator

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.5"
# A low per-address limit (production's is high), to see whose address allauth counts.
LOW_LIMITS = {"login_failed": "3/m/ip,5/5m/key"}


def attempt(client, email, password, *, peer=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/account/login/", {"login": email, "password": password}, **extra)


def signed_in_with_password(response) -> bool:
    """The password stage passed: on to the second factor."""
    return response.status_code == 302 and response["Location"] == "/account/2fa/authenticate/"


@override_settings(SIL_TRUSTED_PROXIES=[PROXY], ACCOUNT_RATE_LIMITS=LOW_LIMITS)
def test_random_emails_from_one_client_do_not_lock_out_others_behind_the_proxy(client):
    colleague, _ = make_operator(totp=True)
    bystander, _ = make_operator(totp=True)
    for n in range(4):
        attempt(client, f"casuale{n}@esempio.invalid", "wrong-password-123", forwarded=ATTACKER)
    # The attacker's own address is over the per-address limit: even a right password fails.
    assert not signed_in_with_password(
        attempt(client, bystander.email, PASSWORD, forwarded=ATTACKER)
    )
    # Someone else behind the same load balancer signs in.
    assert signed_in_with_password(
        attempt(client, colleague.email, PASSWORD, forwarded=f"{COLLEAGUE}, {PROXY}")
    )


@override_settings(SIL_TRUSTED_PROXIES=[PROXY])
def test_axes_locks_the_account_for_the_real_client_not_the_proxy(client):
    user, _ = make_operator(totp=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, "wrong-password-123", forwarded=ATTACKER)
    assert attempt(client, user.email, PASSWORD, forwarded=ATTACKER).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # The account's owner, at another address behind the same proxy, is not locked out.
    assert signed_in_with_password(attempt(client, user.email, PASSWORD, forwarded=COLLEAGUE))


@override_settings(SIL_TRUSTED_PROXIES=[PROXY])
def test_forwarded_header_from_an_untrusted_peer_is_ignored_by_axes(client):
    user, _ = make_operator(totp=True)
    untrusted = "192.0.2.7"
    # A different forged client address each time: still one peer, locked like one.
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, "wrong-password-123", peer=untrusted, forwarded=f"10.9.0.{n}")
    response = attempt(client, user.email, PASSWORD, peer=untrusted, forwarded="10.9.9.9")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {untrusted}


@override_settings(SIL_TRUSTED_PROXIES=[PROXY], ACCOUNT_RATE_LIMITS=LOW_LIMITS)
def test_forwarded_header_from_an_untrusted_peer_is_ignored_by_allauth(client):
    other, _ = make_operator(totp=True)
    untrusted = "192.0.2.7"
    for n in range(4):
        attempt(
            client,
            f"casuale{n}@esempio.invalid",
            "x-wrong-123",
            peer=untrusted,
            forwarded=f"10.8.0.{n}",
        )
    response = attempt(client, other.email, PASSWORD, peer=untrusted, forwarded="10.7.7.7")
    assert not signed_in_with_password(response)


def test_per_account_limit_holds_across_client_addresses(client):
    production = override_settings(
        SIL_TRUSTED_PROXIES=[PROXY], ACCOUNT_RATE_LIMITS=settings.SIL_LOGIN_RATE_LIMITS
    )
    production.enable()
    try:
        _per_account_limit(client)
    finally:
        production.disable()


def _per_account_limit(client):
    user, _ = make_operator(totp=True)
    for n in range(5):
        attempt(client, user.email, "wrong-password-123", forwarded=f"203.0.113.{n + 1}")
    response = attempt(client, user.email, PASSWORD, forwarded="203.0.113.99")
    assert not signed_in_with_password(response)
    assert response.context["form"].errors


def test_per_address_limits_are_high_enough_for_a_shared_proxy():
    for rule in settings.SIL_LOGIN_RATE_LIMITS.values():
        for part in rule.split(","):
            if part.endswith("/ip"):
                amount, period = re.fullmatch(r"(\d+)/(\d*)([smhd])/ip", part).group(1, 3)
                assert period == "m" and int(amount) >= 100, part
