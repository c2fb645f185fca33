"""axe-core on the shared layout and typical pages: zero violations allowed."""

from __future__ import annotations

import re

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, OfficeFactory, make_operator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# WCAG 2.1 A and AA rules (plus axe's best practices that matter to AgID audits).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def check(axe, page, what: str) -> None:
    # Axe is injected with page.evaluate (DevTools protocol), which CSP does not govern.
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"{what}: axe did not run"
    violations = results.response["violations"]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in violations
    )
    assert violations == [], f"{what}: {len(violations)} axe violation(s)\n{report}"


def sign_in(page, email, secret):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi", exact=True).click()
    page.get_by_label("Codice").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verifica").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_login_page(page, axe):
    page.goto("/account/login/")
    check(axe, page, "login")
    # The error state too: invalid credentials.
    page.get_by_label("Email").fill("nobody@example.it")
    page.get_by_label("Password").fill("wrong-password-123")
    page.get_by_role("button", name="Accedi", exact=True).click()
    expect(page.locator(".alert-danger")).to_be_visible()
    check(axe, page, "login with errors")


def test_mfa_and_enrolment_pages(page, axe):
    user, _ = make_operator()
    page.goto("/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi", exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))
    check(axe, page, "TOTP enrolment")


def test_signed_in_pages(page, axe):
    OfficeFactory(name="CPI di Caserta", code="CPI-CE")
    OfficeFactory(region=True, name="Regione Campania", code="REG-CAM")
    user, secret = make_operator(
        totp=True, office=OfficeFactory(name="CPI di Napoli", code="CPI-NA")
    )
    sign_in(page, user.email, secret)
    check(axe, page, "home")
    page.goto("/operatori/territorio/uffici/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(axe, page, "office list")
    page.goto("/account/password/change/")
    check(axe, page, "password change form")
    page.goto("/account/2fa/")
    check(axe, page, "MFA overview")
    # The mobile layout (collapsed navigation).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    check(axe, page, "home (mobile)")


def test_office_edit_form(page, axe):
    from django.urls import NoReverseMatch, reverse

    from sil.accounts.models import Role

    office = OfficeFactory(name="CPI di Avellino", code="CPI-AV")
    try:
        url = reverse("territory:office_edit", args=[office.pk])
    except NoReverseMatch:
        pytest.skip("the office edit form does not exist yet")
    region = OfficeFactory(region=True, name="Regione Campania", code="REG-CAM")
    user, secret = make_operator(totp=True, role=Role.ADMIN, office=region, is_staff=True)
    sign_in(page, user.email, secret)
    page.goto(url)
    expect(page.locator("main form")).to_be_visible()
    check(axe, page, "office edit form")
    page.goto(reverse("territory:office_detail", args=[office.pk]))
    check(axe, page, "office detail")


def test_operator_menu_fits_and_drops_down(page, axe, screens_dir):
    """Every menu entry is reachable at 1,280 px (groups drop down) and on a phone."""
    user, secret = make_operator(totp=True, office=OfficeFactory(name="CPI di Napoli"))
    sign_in(page, user.email, secret)
    page.goto("/operatori/offerte/")
    menu = page.locator("#main-navigation .navbar-nav > .nav-item")
    assert menu.count() >= 4
    for index in range(menu.count()):
        box = menu.nth(index).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, f"entry {index} overflows"
        assert box["y"] < menu.first.bounding_box()["y"] + 10, "the menu wraps to a second row"
    page.get_by_role("button", name="Imprese e offerte").click()
    offers = page.locator(".dropdown-menu.show").get_by_role("link", name="Offerte")
    expect(offers).to_be_visible()
    expect(offers).to_have_attribute("aria-current", "page")
    # The drop-down fades in: measure contrast once it is fully shown.
    expect(page.locator(".dropdown-menu.show")).to_have_css("opacity", "1")
    page.screenshot(path=screens_dir / "menu-1280.png")
    check(axe, page, "menu with a drop-down open")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_role("button", name="Mostra o nascondi il menu").click()
    page.get_by_role("button", name="Convocazioni").click()
    expect(page.get_by_role("link", name="Agende")).to_be_visible()
    page.screenshot(path=screens_dir / "menu-390.png")
    check(axe, page, "menu on a phone")


def test_error_page_is_branded(page, axe, screens_dir):
    response = page.goto("/pagina-che-non-esiste/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina non trovata")
    expect(page.get_by_role("link", name="Torna alla pagina iniziale")).to_be_visible()
    page.screenshot(path=screens_dir / "404-1280.png")
    check(axe, page, "404")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=screens_dir / "404-390.png")
    check(axe, page, "404 (mobile)")


def test_form_section_titles_do_not_cover_the_first_label(page, axe, screens_dir):
    user, secret = make_operator(totp=True, office=OfficeFactory(name="CPI di Napoli"))
    sign_in(page, user.email, secret)
    page.goto("/operatori/offerte/nuova/")
    legends = page.locator("form fieldset > legend")
    assert legends.count() >= 3
    for index in range(legends.count()):
        legend = legends.nth(index)
        label = legend.locator("xpath=following::label[1]")
        top = legend.bounding_box()
        below = label.bounding_box()
        assert top and below, f"section {index} has no label after it"
        assert top["y"] + top["height"] <= below["y"] + 1, (
            f"section title {legend.inner_text()!r} covers the label {label.inner_text()!r}"
        )
    # No check box lays over a field label, on a phone either (checked after the resize too).
    _no_check_box_covers_a_label(page)
    # Groups of check boxes leave room for the label of the field after them.
    group = page.locator("fieldset fieldset").first
    last_box = group.locator("label").last.bounding_box()
    next_label = page.get_by_text("Patentini e abilitazioni", exact=False).first.bounding_box()
    assert last_box and next_label and last_box["y"] + last_box["height"] <= next_label["y"] + 1
    # Languages are chosen by name.
    expect(
        page.locator("select[name$='-language']").first.locator("option", has_text="Inglese")
    ).to_have_count(1)
    page.screenshot(path=screens_dir / "vacancy-form-1280.png", full_page=True)
    check(axe, page, "vacancy form")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_check_box_covers_a_label(page)
    page.screenshot(path=screens_dir / "vacancy-form-390.png", full_page=True)
    check(axe, page, "vacancy form (mobile)")


def _no_check_box_covers_a_label(page):
    overlaps = page.evaluate(
        """() => {
        const boxes = [...document.querySelectorAll('form .form-check label')]
          .map(l => [l.textContent.trim(), l.getBoundingClientRect()]);
        const labels = [...document.querySelectorAll('form .form-group > label')]
          .map(l => [l.textContent.trim(), l.getBoundingClientRect()]);
        const out = [];
        for (const [a, r] of boxes) for (const [b, s] of labels) {
          if (r.left < s.right && s.left < r.right && r.top < s.bottom - 1 && s.top < r.bottom - 1)
            out.push(a + ' / ' + b);
        }
        return out;
      }"""
    )
    assert overlaps == [], overlaps
