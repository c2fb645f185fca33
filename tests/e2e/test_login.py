from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, OfficeFactory, make_operator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in_with_password(page, email: str) -> None:
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi", exact=True).click()


def test_login_with_totp_reaches_home(page, screens_dir):
    office = OfficeFactory(name="CPI di Napoli Centro", code="CPI-NA-C")
    user, secret = make_operator(office=office, totp=True)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    page.screenshot(path=str(screens_dir / "login.png"), full_page=True)
    sign_in_with_password(page, user.email)
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/$"))
    page.get_by_label("Codice").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verifica").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrivania")
    expect(page.get_by_text("CPI di Napoli Centro")).to_be_visible()
    nav = page.get_by_role("navigation", name="Navigazione principale")
    expect(nav.get_by_role("link", name="Uffici")).to_be_visible()
    expect(page.get_by_role("button", name="Esci")).to_be_visible()
    page.screenshot(path=str(screens_dir / "home.png"), full_page=True)
    assert page.console_errors == [], page.console_errors


def test_first_login_without_mfa_goes_to_enrolment(page):
    user, _ = make_operator()
    sign_in_with_password(page, user.email)
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))
    expect(page.locator("#mfa-required")).to_be_visible()
    expect(page.locator("#totp-qr")).to_be_visible()
    # Trying to leave goes back to enrolment (which shows a new secret each time).
    page.goto("/operatori/territorio/uffici/")
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Codice").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Attiva").click()
    expect(page).to_have_url(re.compile(r"/account/2fa/recovery-codes/$"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrivania")
    assert page.console_errors == [], page.console_errors


def test_language_switch(page):
    user, secret = make_operator(totp=True)
    sign_in_with_password(page, user.email)
    page.get_by_label("Codice").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verifica").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    page.locator("#language-switcher button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Our own catalog (sil/locale/en) and allauth's both switch.
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.goto("/account/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    page.locator("#language-switcher button[value=it]").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Change Password")
    expect(page.get_by_role("button", name="Esci")).to_be_visible()
