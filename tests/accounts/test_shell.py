"""The UI shell: allauth pages inside the base layout, role-based navigation, home page."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from sil.accounts.middleware import SESSION_FLAG
from sil.accounts.models import Role
from sil.core.registry import NavEntry
from sil.navigation import nav_items
from tests.accounts.conftest import login_with_totp
from tests.accounts.factories import OfficeFactory, make_operator

pytestmark = pytest.mark.django_db


def assert_in_shell(html: str) -> None:
    assert "!!MISSING" not in html
    assert 'class="it-header-wrapper"' in html
    assert 'class="it-footer"' in html
    assert 'id="language-switcher"' in html
    assert "bootstrap-italia.min.css" in html


@pytest.mark.parametrize("path", ["/account/login/", "/account/password/reset/"])
def test_anonymous_allauth_pages_render_in_shell(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_in_shell(response.content.decode())


def test_login_page_uses_bootstrap_italia_fields(client):
    html = client.get("/account/login/").content.decode()
    assert 'class="form-group"' in html
    assert 'for="id_login"' in html and 'for="id_password"' in html
    assert "form-control" in html


def test_home_redirects_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/account/password/change/",
        "/account/2fa/",
        "/account/logout/",
    ],
)
def test_signed_in_pages_render_in_shell(mfa_client, path):
    response = mfa_client.get(path)
    assert response.status_code == 200
    assert_in_shell(response.content.decode())


def test_mfa_stage_renders_in_shell(client, operator_with_totp):
    from tests.accounts.factories import PASSWORD

    user, _ = operator_with_totp
    client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    response = client.get("/account/2fa/authenticate/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_in_shell(html)
    assert 'id="id_code"' in html
    # Not signed in yet: no navigation.
    assert "main-navigation" not in html


def test_home_shows_offices_and_roles(client):
    office = OfficeFactory(name="CPI di Salerno", code="CPI-SA")
    user, secret = make_operator(role=Role.CPI_MANAGER, office=office, totp=True)
    login_with_totp(client, user, secret)
    html = client.get("/").content.decode()
    assert "CPI di Salerno" in html
    assert "Responsabile CPI" in html
    assert 'aria-current="page"' in html  # Scrivania is the active entry


def labels(items):
    """Every link label, those inside drop-down groups too."""
    return [str(link["label"]) for item in items for link in item.get("children", [item])]


def request_for(user, path="/", mfa_checked=True):
    request = RequestFactory().get(path)
    request.user = user
    request.session = {SESSION_FLAG: True} if mfa_checked else {}
    return request


def test_no_navigation_before_the_second_factor_check():
    user, _ = make_operator()
    assert nav_items(request_for(user, mfa_checked=False)) == []


def test_navigation_by_role():
    cpi_user, _ = make_operator(role=Role.CPI_OPERATOR)
    region_user, _ = make_operator(role=Role.REGION, office=OfficeFactory(region=True))
    cpi_labels = labels(nav_items(request_for(cpi_user)))
    region_labels = labels(nav_items(request_for(region_user)))
    assert "Scrivania" in cpi_labels and "Uffici" in cpi_labels
    assert "Amministrazione" not in cpi_labels
    assert "Amministrazione" in region_labels


def test_navigation_groups_entries_into_drop_downs():
    user, _ = make_operator()
    items = nav_items(request_for(user, "/operatori/offerte/"))
    groups = {str(item["label"]): item for item in items if "children" in item}
    labour = groups["Imprese e offerte"]
    assert [str(c["label"]) for c in labour["children"]][:2] == ["Imprese", "Offerte"]
    assert labour["active"]
    assert [str(c["label"]) for c in labour["children"] if c["active"]] == ["Offerte"]
    # Few enough top-level entries to fit one row at 1,280 px.
    assert len(items) <= 7


def test_navigation_skips_unresolvable_entries_and_marks_active():
    user, _ = make_operator()
    entries = [
        NavEntry("Scrivania", "core:home"),
        NavEntry("Uffici", "territory:office_list"),
        NavEntry("Futuro", "future:index"),
    ]
    items = nav_items(request_for(user, "/operatori/territorio/uffici/"), entries)
    assert labels(items) == ["Scrivania", "Uffici"]
    assert [item["active"] for item in items] == [False, True]


def test_no_navigation_for_anonymous():
    from django.contrib.auth.models import AnonymousUser

    assert nav_items(request_for(AnonymousUser())) == []


def test_language_switch_sets_english(mfa_client):
    response = mfa_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = mfa_client.get("/").content.decode()
    assert '<html lang="en">' in html
