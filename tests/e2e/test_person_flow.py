"""An operator's day with a person: typo-tolerant search, the 360° page, a DID, the dossier PDF."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sil.did.models import Did
from tests.accounts.factories import OfficeFactory, make_operator
from tests.e2e.test_login import sign_in_with_password
from tests.factories import PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_with_typo_open_person_record_did_download_pdf(page, screens_dir, tmp_path):
    office = OfficeFactory(name="CPI di Avellino", code="CPI-AV-01")
    user, secret = make_operator(office=office, totp=True)
    person = PersonFactory(last_name="Esposito", first_name="Gennaro", competent_office=office)
    PersonFactory(last_name="Rossi", first_name="Anna", competent_office=office)

    sign_in_with_password(page, user.email)
    page.get_by_label("Codice").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verifica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrivania")

    # Search with a typo in the surname: pg_trgm still finds "Esposito".
    page.goto("/operatori/persone/")
    page.get_by_role("textbox", name="Cerca").fill("Espsito")
    page.get_by_role("button", name="Cerca").click()
    result = page.get_by_role("link", name=re.compile("Esposito Gennaro"))
    expect(result).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Rossi Anna"))).to_have_count(0)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Esposito")
    expect(page.get_by_text(person.fiscal_code).first).to_be_visible()

    # Record a DID from the person page.
    page.get_by_role("link", name="Registra una DID").click()
    today = timezone.localdate()
    page.get_by_label("Data della DID").fill(today.isoformat())
    page.get_by_role("button", name="Registra", exact=True).click()
    did = Did.objects.get(person=person)
    assert did.did_date == today
    assert did.state == "active"
    page.goto(f"/operatori/persone/{person.pk}/")
    expect(page.locator("#did")).to_contain_text("Attiva")
    page.screenshot(path=str(screens_dir / "person.png"), full_page=True)

    # Download the whole dossier as PDF.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Scarica PDF").first.click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.suffix == ".pdf"
    assert target.read_bytes().startswith(b"%PDF")
    assert person.dids.count() == 1
    assert page.console_errors == [], page.console_errors
