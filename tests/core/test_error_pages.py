"""Branded error pages: Bootstrap Italia layout, Italian and English, a way back."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from sil.urls import urlpatterns as sil_urlpatterns


def _denied(request):
    raise PermissionDenied


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("vietato/", _denied),
    path("guasto/", _boom),
    *sil_urlpatterns,
]
handler400 = "sil.core.views.bad_request"
handler403 = "sil.core.views.permission_denied"
handler404 = "sil.core.views.page_not_found"
handler500 = "sil.core.views.server_error"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_404_is_branded_italian_with_a_way_home(client):
    response = client.get("/non-esiste/", HTTP_REFERER="http://testserver/offerte-di-lavoro/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Pagina non trovata" in html and "Not Found" not in html
    assert 'class="it-header-wrapper"' in html
    assert "Torna alla pagina iniziale" in html
    assert 'href="http://testserver/offerte-di-lavoro/"' in html  # back to where the user was


def test_404_in_english(client):
    client.cookies["sil_language"] = "en"
    html = client.get("/non-esiste/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found" in html


def test_a_foreign_referer_is_not_offered_as_the_way_back(client):
    html = client.get("/non-esiste/", HTTP_REFERER="https://example.org/x").content.decode()
    assert "example.org" not in html


def test_403_is_branded(client):
    response = client.get("/vietato/")
    assert response.status_code == 403
    assert "Accesso non consentito" in response.content.decode()


def test_csrf_failure_is_the_branded_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    assert "Accesso non consentito" in response.content.decode()


def test_500_is_branded_and_reads_nothing_from_the_request():
    client = Client(raise_request_exception=False)
    response = client.get("/guasto/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Errore del sistema" in html and "Server Error" not in html
    assert "!!MISSING" not in html
