"""Incontro domanda-offerta end to end: an operator publishes a vacancy past the quality check,
ranks the candidates, builds and sends a shortlist; the firm sees it; a citizen applies with
one of two CVs."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from sil.applications.models import Application
from sil.shortlists.models import Shortlist, ShortlistMessage
from sil.vacancies.models import Vacancy, VacancyState
from tests.applications.factories import CvFactory
from tests.e2e.test_login import sign_in_with_password
from tests.factories import TOTP_SECRET, CompetenceFactory, UserFactory
from tests.matching.factories import MatchingWorld, contract, profession
from tests.vacancies.factories import EmployerFactory, EmployerMembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAREHOUSE = "8.1.3.1.0"


def second_factor(page: Page) -> None:
    page.get_by_label("Codice").fill(pyotp.TOTP(TOTP_SECRET).now())
    page.get_by_role("button", name="Verifica").click()


def tick(page: Page, text: str) -> None:
    """Bootstrap Italia draws checkboxes on their label: click it as a person would."""
    page.locator("label", has_text=text).click()
    expect(page.get_by_label(re.compile(re.escape(text)))).to_be_checked()


def choose(page: Page, label: str, typed: str, value: int) -> None:
    """A select filled from the server as the user types (htmx): type, wait, pick."""
    page.get_by_label(f"Cerca: {label}").fill(typed)
    select = page.get_by_role("combobox", name=re.compile("^" + re.escape(label)))
    expect(select.locator(f'option[value="{value}"]')).to_have_count(1)
    select.select_option(str(value))


def test_publish_rank_shortlist_send_employer_sees_citizen_applies(
    page, browser, live_server, settings, screens_dir
):
    settings.DEMO = True  # the citizen signs in through the demo login (SPID/CIE stand-in)
    world = MatchingWorld.build()
    CompetenceFactory(office=world.cpi_a, municipality=world.naples)
    CompetenceFactory(office=world.cpi_a, municipality=world.pozzuoli)
    job = profession(WAREHOUSE, "Magazzinieri")
    permanent = contract("A.01.00")
    operator = UserFactory(operator_of=world.cpi_a, first_name="Giulia", last_name="Esposito")
    employer = EmployerFactory(
        name="Conserve Vesuviane S.r.l.", municipality=world.naples, office=world.cpi_a
    )
    employer_user = EmployerMembershipFactory(
        employer=employer, user__email="selezione@conserve.example.it"
    ).user
    anna = world.candidate(
        profession_code=WAREHOUSE, first_name="Anna", last_name="Esposito", female=True
    )
    ciro = world.candidate(
        profession_code=WAREHOUSE, place=world.pozzuoli, first_name="Ciro", last_name="Ferraro"
    )
    world.candidate(profession_code="5.1.2.2.0", place=world.milan, last_name="Lontano")
    CvFactory(person=anna, name="Magazzino", headline="Magazziniera", is_default=True)
    sales_cv = CvFactory(person=anna, name="Vendite", headline="Commessa")

    # 1. The operator writes the vacancy; the quality check flags the discriminatory phrase.
    sign_in_with_password(page, operator.email)
    second_factor(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrivania")
    page.goto("/operatori/offerte/nuova/")
    choose(page, "Impresa", "Conserve", employer.pk)
    page.get_by_role("textbox", name=re.compile("^Titolo")).fill("Magazziniere/a")
    page.get_by_label("Descrizione").fill(
        "Carico e scarico merci, inventario, uso del transpallet. Età massima 30 anni."
    )
    choose(page, "Professione (CP)", "Magazzin", job.pk)
    choose(page, "Comune del luogo di lavoro", "Napoli", world.naples.pk)
    page.get_by_role("combobox", name=re.compile("^Tipologia contrattuale")).select_option(
        str(permanent.pk)
    )
    page.get_by_label("Retribuzione lorda annua minima (EUR)").fill("22000")
    page.get_by_label("Retribuzione lorda annua massima (EUR)").fill("25000")
    page.get_by_label("Data di scadenza").fill(
        (dt.date.today() + dt.timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Salva").click()
    quality = page.locator("#quality-check")
    expect(quality).to_contain_text("Possibili requisiti discriminatori")
    expect(quality).to_contain_text("30 anni")
    vacancy = Vacancy.objects.get(title="Magazziniere/a")
    assert vacancy.state == VacancyState.DRAFT

    # 2. The operator fixes the wording and publishes.
    page.get_by_role("link", name="Modifica").click()
    page.get_by_label("Descrizione").fill(
        "Carico e scarico merci, inventario, uso del transpallet."
    )
    page.get_by_role("button", name="Salva").click()
    expect(page.locator("#quality-check")).not_to_contain_text("discriminatori")
    page.get_by_role("button", name="Pubblica").click()
    expect(page.get_by_text("Pubblicata").first).to_be_visible()
    vacancy.refresh_from_db()
    assert vacancy.state == VacancyState.PUBLISHED

    # 3. Ranked candidates: the two warehouse workers nearby, not the far-away shop assistant.
    page.get_by_role("link", name="Candidati suggeriti").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Candidati per")
    expect(page.get_by_text("Anna Esposito").first).to_be_visible()
    expect(page.get_by_text("Lontano")).to_have_count(0)
    page.screenshot(path=str(screens_dir / "ranked-candidates.png"), full_page=True)
    page.get_by_label(f"Aggiungi {anna.full_name} alla rosa").check()
    page.get_by_label(f"Aggiungi {ciro.full_name} alla rosa").check()
    page.get_by_role("button", name="Aggiungi i selezionati alla rosa").click()

    # 4. The shortlist: send is disabled until someone agrees to be proposed.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa di candidati")
    send = page.get_by_role("button", name="Invia la rosa all'impresa")
    expect(send).to_be_disabled()
    page.get_by_role("link", name=f"Registra contatto — {anna.full_name}").click()
    page.get_by_role("combobox", name=re.compile("^Come è stato contattato")).select_option("phone")
    tick(page, "acconsente all'invio")
    page.get_by_role("button", name="Registra").click()
    page.get_by_role("link", name=f"Registra contatto — {ciro.full_name}").click()
    page.get_by_role("combobox", name=re.compile("^Come è stato contattato")).select_option("email")
    page.get_by_role("button", name="Registra").click()  # Ciro declines
    expect(page.get_by_text("Sarà inviato 1 candidato")).to_be_visible()
    page.get_by_label("Messaggio per l'impresa").fill("Colloqui dal 3 marzo.")
    send.click()
    expect(page.get_by_text("Rosa inviata all'impresa.")).to_be_visible()
    page.screenshot(path=str(screens_dir / "shortlist.png"), full_page=True)
    shortlist = Shortlist.objects.get(vacancy=vacancy)
    assert shortlist.state == "sent"
    assert [e.person for e in shortlist.entries.filter(sent_at__isnull=False)] == [anna]
    assert set(ShortlistMessage.objects.values_list("recipient", flat=True)) == {
        "selezione@conserve.example.it"
    }
    assert page.console_errors == [], page.console_errors

    # 5. The firm signs in and finds the shortlist: Anna with her contacts, never Ciro.
    firm = browser.new_context(base_url=live_server.url, locale="it-IT")
    citizen = browser.new_context(base_url=live_server.url, locale="it-IT")
    try:
        firm_and_citizen(
            firm.new_page(), citizen.new_page(), vacancy, anna, sales_cv, employer_user, screens_dir
        )
    finally:
        firm.close()
        citizen.close()


def firm_and_citizen(firm_page, citizen_page, vacancy, anna, sales_cv, employer_user, screens_dir):
    sign_in_with_password(firm_page, employer_user.email)
    second_factor(firm_page)
    firm_page.goto("/imprese/rose/")
    firm_page.get_by_role("link", name="Magazziniere/a").click()
    expect(firm_page.get_by_role("heading", level=1)).to_contain_text("Candidati proposti")
    expect(firm_page.get_by_role("heading", name="Anna Esposito")).to_be_visible()
    expect(firm_page.get_by_text(anna.email)).to_be_visible()
    expect(firm_page.get_by_text("Ferraro")).to_have_count(0)
    firm_page.get_by_role("combobox", name=re.compile("^Riscontro")).select_option("interested")
    firm_page.get_by_role("button", name=re.compile("Invia il riscontro")).click()
    expect(firm_page.get_by_text("Riscontro su Anna Esposito registrato")).to_be_visible()
    firm_page.screenshot(path=str(screens_dir / "employer-shortlist.png"), full_page=True)

    # 6. A citizen (demo login) applies choosing the second of her two CVs.
    citizen_page.goto("/area-personale/accesso-demo/")
    citizen_page.get_by_label("Codice fiscale").fill(anna.fiscal_code)
    citizen_page.get_by_role("button", name="Entra", exact=True).click()
    citizen_page.goto(f"/area-personale/offerte/{vacancy.pk}/candidati/")
    tick(citizen_page, "Vendite")
    tick(citizen_page, "Confermo l'invio")
    citizen_page.get_by_role("button", name="Invia la candidatura").click()
    expect(citizen_page).not_to_have_url(re.compile(r"/candidati/$"))
    application = Application.objects.get(person=anna, vacancy=vacancy)
    assert application.cv == sales_cv

    # The firm finds the application among those received, and the CV in its archive.
    firm_page.goto("/imprese/rose/candidature/")
    expect(firm_page.get_by_role("rowheader", name=re.compile("Anna Esposito"))).to_be_visible()
    firm_page.goto("/imprese/rose/cv/")
    expect(firm_page.get_by_role("cell", name="candidatura", exact=True)).to_be_visible()
