import pytest
from django.test import RequestFactory, override_settings

from sil.core.middleware import client_ip


def test_client_ip_ignores_forwarded_for_from_untrusted_peers():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"


@override_settings(SIL_TRUSTED_PROXIES=["10.0.0.1", "10.0.0.2"])
def test_client_ip_behind_trusted_proxies_takes_the_first_untrusted_hop():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.2"
    )
    # 6.6.6.6 was written by the client itself and cannot be believed.
    assert client_ip(request) == "198.51.100.7"


@pytest.mark.django_db
def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert given["X-Request-ID"] == "abcdef0123456789"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")
    assert len(made["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_italian_by_default_whatever_the_browser_says(client):
    page = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert '<html lang="it">' in page.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_choice_wins(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/account/login/"})
    page = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="en">' in page.content.decode()
