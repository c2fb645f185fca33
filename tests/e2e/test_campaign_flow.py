"""Convocation campaign end to end (issue 6, "Must show").

The Region's operator imports a beneficiary list with errors and reads the report, fixes the
file, sets the CPI capacity, runs the dry run and launches the campaign; the citizen opens the
personal link of the invitation SMS (no login) and moves the appointment to a slot freed today;
at the desk the CPI operator checks her in, records the outcome of another recipient, prepares
the Patto di servizio and has it signed with the OTP sent to her phone, which records
"Presente, Patto firmato" by itself. Axe runs on the import report, the dry run, the citizen's
page and the outcome page (no serious or critical violation).
"""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from sil.accounts.models import Role
from sil.appointments.actions import do_create_slots
from sil.appointments.models import Slot
from sil.campaigns.models import (
    Campaign,
    CampaignState,
    Convocation,
    ConvocationState,
    Exclusion,
    ImportBatch,
    Outcome,
)
from sil.core import fiscal_code as cf
from sil.notifications.models import OutboxMessage
from sil.services.models import PactState, ServicePact
from tests.appointments.factories import (
    CalendarFactory,
    SlotFactory,
    SlotTemplateFactory,
    next_weekday,
)
from tests.campaigns.factories import BenefitProgrammeFactory, CampaignFactory
from tests.e2e.test_login import sign_in_with_password
from tests.factories import (
    TOTP_SECRET,
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
HEADER = "codice_fiscale;cognome;nome;id_nucleo;telefono;email;comune_residenza;indirizzo;misura"
SLOW = 30_000  # ms: PDF generation and the launch run inside the request


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def no_serious_violations(axe: Axe, page: Page, what: str) -> None:
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"{what}: axe did not run"
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in serious
    )
    assert serious == [], f"{what}: {len(serious)} serious axe violation(s)\n{report}"


def second_factor(page: Page) -> None:
    page.get_by_label("Codice").fill(pyotp.TOTP(TOTP_SECRET).now())
    page.get_by_role("button", name="Verifica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrivania")


def code(last: str, first: str, born: dt.date, sex: str = "M") -> str:
    return cf.encode(
        last_name=last, first_name=first, sex=sex, birth_date=born, cadastral_code="F839"
    )


ANNA = code("Esposito", "Anna", dt.date(1985, 3, 2), "F")
MARIO = code("Rossi", "Mario", dt.date(1980, 5, 1))
LUIGI = code("Bianchi", "Luigi", dt.date(1975, 9, 9))


def wrong_check_character(fiscal_code: str) -> str:
    last = "A" if fiscal_code[-1] != "A" else "B"
    return fiscal_code[:-1] + last


def beneficiary_list(*, with_errors: bool) -> bytes:
    """The list as the national platform sends it: Windows-1252, `;`, one row per person."""
    anna = wrong_check_character(ANNA) if with_errors else ANNA
    mario_town = "" if with_errors else "Napoli"
    lines = [
        HEADER,
        f"{anna};Esposito;Anna;NUC-001;3331234567;anna.esposito@example.it;Napoli;"
        "Via Toledo 10;ADI",
        f"{MARIO};Rossi;Mario;NUC-002;3337654321;;{mario_town};Via Foria 5;ADI",
        # Resident in another Region: excluded with the reason, never convened.
        f"{LUIGI};Bianchi;Luigi;NUC-003;3339876543;;Roma;Via Appia 3;ADI",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def build_world() -> dict[str, object]:
    """One CPI serving Naples with two desk calendars and the slots of the week after next, an
    ADI campaign in draft with its texts, the Region's operator and a CPI operator."""
    today = timezone.localdate()
    naples = MunicipalityFactory(naples=True)
    MunicipalityFactory(rome=True)
    cpi = OfficeFactory(
        code="CPI-NA",
        name="CPI di Napoli Centro",
        address="Via Medina 40",
        postal_code="80133",
        phone="081 555 0101",
    )
    CompetenceFactory(office=cpi, municipality=naples)
    calendars = [CalendarFactory(office=cpi, name=f"Sportello {n}") for n in (1, 2)]
    for calendar in calendars:
        for weekday in range(5):
            SlotTemplateFactory(
                calendar=calendar, weekday=weekday, starts=dt.time(9), ends=dt.time(12)
            )
    monday = next_weekday(0, after=today + dt.timedelta(days=7))
    do_create_slots(cpi, monday, monday + dt.timedelta(days=4))
    # The first day with slots (the Monday, unless it is a public holiday).
    first_day = timezone.localdate(Slot.objects.filter(office=cpi).earliest("starts_at").starts_at)
    campaign = CampaignFactory(
        slug="adi-convocazioni",
        name="ADI: convocazioni di dicembre",
        programme=BenefitProgrammeFactory(adi=True),
        channels=["sms", "email"],
        reminder_days=[3, 1],
        starts_on=monday,
        deadline=monday + dt.timedelta(days=11),
        helpline="081 555 0100",
        with_templates=True,
    )
    return {
        "cpi": cpi,
        "calendars": calendars,
        "first_day": first_day,
        "campaign": campaign,
        "regional": UserFactory(regional=True, first_name="Rosa", last_name="Russo"),
        "desk": UserFactory(
            operator_of=cpi, role=Role.CPI_OPERATOR, first_name="Paolo", last_name="Greco"
        ),
    }


def slot_later_today(calendar: object) -> Slot:
    """A slot freed at the desk later today (the citizen moves there, the desk receives her)."""
    now = timezone.localtime()
    for ahead in (dt.timedelta(minutes=45), dt.timedelta(minutes=10)):
        starts = (now + ahead).replace(second=0, microsecond=0)
        if starts.date() == now.date():
            return SlotFactory(
                calendar=calendar, starts_at=starts, ends_at=starts + dt.timedelta(minutes=30)
            )
    pytest.skip("too close to midnight for a slot later today")


def watched(page: Page) -> Page:
    """Collect console errors (CSP violations, script errors) as the page fixture does."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # type: ignore[attr-defined]
    return page


def upload(page: Page, name: str, content: bytes) -> None:
    page.locator('input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Carica e controlla").click()


def test_import_dry_run_launch_move_and_sign_pact(page, browser, live_server, axe, screens_dir):
    world = build_world()
    campaign: Campaign = world["campaign"]  # type: ignore[assignment]
    first_day: dt.date = world["first_day"]  # type: ignore[assignment]

    # 1. The Region's operator uploads the list: a bad codice fiscale and an empty residence.
    sign_in_with_password(page, world["regional"].email)  # type: ignore[attr-defined]
    second_factor(page)
    page.goto("/operatori/campagne/")
    page.get_by_role("link", name=campaign.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(campaign.name)
    page.get_by_role("link", name="Importa la lista dei beneficiari").click()
    upload(page, "beneficiari-adi.csv", beneficiary_list(with_errors=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Esito dell'importazione")
    expect(page.locator("#esito")).to_contain_text("non è stato scritto nulla")
    # Every error is a row of the table (row, column, code, message); the count matches.
    errors = page.locator("#errori tbody tr")
    expect(errors.first).to_be_visible()
    shown = [row.locator("td").all_inner_texts() for row in errors.all()]
    expect(page.locator("#esito")).to_contain_text(f"Il file contiene {len(shown)} errori")
    assert {(cells[0], cells[1]) for cells in shown} >= {
        ("2", "codice_fiscale"),
        ("3", "comune_residenza"),
    }, shown
    assert {cells[0] for cells in shown} == {"2", "3"}, shown
    expect(errors.filter(has_text="comune_residenza").first).to_contain_text(
        "Indicare il comune di residenza"
    )
    page.screenshot(path=str(screens_dir / "campaign-import-errors.png"), full_page=True)
    no_serious_violations(axe, page, "import report with errors")
    assert not Convocation.objects.filter(campaign=campaign).exists()
    assert not Exclusion.objects.filter(campaign=campaign).exists()

    # 2. The fixed file is imported: two people for the CPI, one excluded (other Region).
    page.get_by_role("link", name="Carica un altro file").click()
    upload(page, "beneficiari-adi-corretto.csv", beneficiary_list(with_errors=False))
    expect(page.locator("#esito")).to_contain_text("Lista importata: 2 persone da convocare.")
    expect(page.get_by_text("CPI-NA: 2")).to_be_visible()
    no_serious_violations(axe, page, "import report")
    assert ImportBatch.objects.filter(campaign=campaign, written=True).count() == 1
    assert set(
        Convocation.objects.filter(campaign=campaign).values_list("person__fiscal_code", flat=True)
    ) == {ANNA, MARIO}
    assert list(Exclusion.objects.filter(campaign=campaign).values_list("reason", flat=True)) == [
        "outside_region"
    ]

    # 3. Capacity of the CPI (proposed from its calendars), then the dry run.
    page.get_by_role("link", name="Torna alla campagna").click()
    page.get_by_role("link", name="Capacità dei CPI").click()
    page.get_by_label("Persone al giorno presso CPI di Napoli Centro").fill("4")
    page.get_by_role("button", name="Salva le capacità").click()
    expect(page.get_by_text("Capacità salvate.")).to_be_visible()
    page.get_by_role("link", name="Simulazione dell'avvio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Simulazione dell'avvio")
    expect(page.locator("#dr-recipients")).to_have_text("2")
    expect(page.locator("#dr-last-day")).to_have_text(first_day.strftime("%d/%m/%Y"))
    office_row = page.get_by_role("row", name=re.compile("CPI-NA"))
    expect(office_row).to_contain_text("CPI di Napoli Centro")
    expect(office_row.locator("td").nth(3)).to_have_text("4")  # per day
    expect(page.get_by_text("residente fuori Regione: 1")).to_be_visible()
    expect(page.locator("canvas").first).to_be_visible()
    page.screenshot(path=str(screens_dir / "campaign-dry-run.png"), full_page=True)
    no_serious_violations(axe, page, "dry run")
    assert not OutboxMessage.objects.filter(topic=campaign.topic).exists()

    # 4. Ready, then launched: appointments booked, invitations and reminders queued.
    page.get_by_role("link", name="Torna alla campagna").click()
    page.get_by_role("button", name="Rendi pronta").click()
    expect(page.locator(".badge", has_text="pronta")).to_be_visible()
    page.get_by_role("link", name="Avvia la campagna").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avvio della campagna")
    page.get_by_role("button", name="Conferma l'avvio").click(timeout=SLOW)
    expect(
        page.get_by_text(re.compile(r"Campagna avviata: 2 appuntamenti, \d+ messaggi"))
    ).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("0 persone senza posto")).to_be_visible()
    expect(page.locator(".badge", has_text="in corso")).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.RUNNING
    anna = Convocation.objects.select_related("appointment", "person").get(
        campaign=campaign, person__fiscal_code=ANNA
    )
    assert anna.state == ConvocationState.INVITED
    assert timezone.localdate(anna.appointment.starts_at) == first_day
    assert OutboxMessage.objects.filter(
        topic=campaign.topic, person=anna.person, step__startswith="invitation", channel="email"
    ).exists()
    assert page.console_errors == [], page.console_errors

    # 5. The citizen opens the link of her invitation SMS and moves to a slot freed today.
    sms = OutboxMessage.objects.get(
        topic=campaign.topic, person=anna.person, step__startswith="invitation", channel="sms"
    )
    link = re.search(r"/appuntamento/[^/\s]+/", sms.body)
    assert link, sms.body
    freed = slot_later_today(world["calendars"][1])  # type: ignore[index]
    citizen = browser.new_context(
        base_url=live_server.url, locale="it-IT", viewport={"width": 390, "height": 844}
    )
    try:
        move_appointment(watched(citizen.new_page()), link.group(0), freed, axe, screens_dir)
    finally:
        citizen.close()
    anna.refresh_from_db()
    assert anna.state == ConvocationState.RESCHEDULED
    assert anna.appointment.slot_id == freed.pk
    assert OutboxMessage.objects.filter(
        topic=campaign.topic, person=anna.person, step__startswith="moved"
    ).exists()

    # 6. At the desk of the CPI: the day's list, check-in, outcome of a recipient who phoned,
    # and the Patto signed by OTP.
    desk = browser.new_context(
        base_url=live_server.url, locale="it-IT", viewport={"width": 1280, "height": 900}
    )
    desk.set_default_timeout(10_000)
    try:
        at_the_desk(watched(desk.new_page()), world, anna, freed, axe, screens_dir)
    finally:
        desk.close()
    anna.refresh_from_db()
    assert anna.state == ConvocationState.CLOSED and anna.outcome == Outcome.PRES_PSP
    pact = ServicePact.objects.get(person=anna.person)
    assert pact.state == PactState.SIGNED and pact.signature_method == "otp"
    assert pact.topic == campaign.topic and len(pact.document_sha256) == 64


def move_appointment(page: Page, path: str, freed: Slot, axe: Axe, screens_dir) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Il tuo appuntamento")
    expect(page.locator(".lead")).to_contain_text("alle ore 09:")
    expect(page.get_by_text("CPI di Napoli Centro").first).to_be_visible()
    no_serious_violations(axe, page, "citizen link page")
    page.locator(f'label[for="slot-{freed.pk}"]').click()
    expect(page.locator(f"#slot-{freed.pk}")).to_be_checked()
    page.get_by_role("button", name="Sposta l'appuntamento").click()
    expect(page.get_by_text("l'appuntamento è stato spostato")).to_be_visible()
    new_time = timezone.localtime(freed.starts_at).strftime("%H:%M")
    expect(page.locator(".lead")).to_contain_text(f"alle ore {new_time}")
    page.screenshot(path=str(screens_dir / "citizen-appointment-moved.png"), full_page=True)
    no_serious_violations(axe, page, "citizen link page after the move")
    assert page.console_errors == [], page.console_errors
    # The old link no longer works: moving bumped its version.
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Il tuo appuntamento")


def at_the_desk(page: Page, world, anna: Convocation, freed: Slot, axe: Axe, screens_dir) -> None:
    first_day: dt.date = world["first_day"]
    sign_in_with_password(page, world["desk"].email)
    second_factor(page)
    page.goto("/operatori/campagne/accoglienza/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accoglienza delle convocazioni")

    # Mario phoned: he has found a job. Recorded from the day of his appointment.
    page.get_by_role("textbox", name=re.compile("^Giorno")).fill(first_day.isoformat())
    page.get_by_role("button", name="Mostra").click()
    page.get_by_role("link", name="Esito Mario Rossi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Esito della convocazione")
    page.locator("label", has_text="Già occupato").click()
    page.get_by_role("textbox", name=re.compile("^Not[ae]")).fill(
        "Ha telefonato: assunto a tempo indeterminato dal 1° dicembre."
    )
    page.get_by_role("button", name="Registra l'esito").click()
    expect(page.get_by_text("Esito registrato.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Rossi Mario"))).to_contain_text("Già occupato")

    # Anna arrives today at the time she chose.
    page.get_by_role("textbox", name=re.compile("^Giorno")).fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Mostra").click()
    row = page.get_by_role("row", name=re.compile("Esposito Anna"))
    expect(row).to_contain_text(timezone.localtime(freed.starts_at).strftime("%H:%M"))
    row.get_by_role("button", name="Registra arrivo Anna Esposito").click()
    expect(page.get_by_text("Anna Esposito è arrivato/a.")).to_be_visible()
    page.get_by_role("link", name="Esito Anna Esposito").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Esito della convocazione")
    expect(page.get_by_text("non ancora firmato")).to_be_visible()
    no_serious_violations(axe, page, "outcome page")

    # The Patto from the interview, frozen as PDF, signed with the code sent to her phone.
    page.get_by_role("link", name="Prepara il Patto di servizio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuovo Patto di servizio")
    page.get_by_role("button", name="Salva la bozza").click()
    expect(page.get_by_text("Bozza del Patto salvata.")).to_be_visible()
    page.get_by_role("button", name="Genera il documento da firmare").click(timeout=SLOW)
    expect(page.get_by_text("il Patto è pronto per la firma")).to_be_visible(timeout=SLOW)
    page.get_by_role("link", name="Firma con codice OTP").click()
    page.get_by_role("button", name="Invia il codice").click()
    expect(page.get_by_text(re.compile("Codice inviato a"))).to_be_visible()
    pact = ServicePact.objects.get(person=anna.person)
    otp_message = OutboxMessage.objects.filter(topic=f"pact:{pact.pk}", channel="sms").latest("id")
    otp = re.search(r"\b(\d{6})\b", otp_message.body)
    assert otp, otp_message.body
    page.get_by_label("Codice ricevuto dalla persona").fill(otp.group(1))
    page.get_by_role("button", name="Conferma e firma il Patto").click()
    expect(page.get_by_text("Patto firmato con codice OTP")).to_be_visible()
    expect(page.locator("#firma")).to_contain_text("Codice OTP", ignore_case=True)
    page.screenshot(path=str(screens_dir / "pact-signed-otp.png"), full_page=True)

    # Signing recorded the outcome: the desk sees it on the convocation.
    page.goto(f"/operatori/campagne/accoglienza/convocazione/{anna.pk}/esito/")
    expect(page.get_by_role("status").filter(has_text="Esito registrato")).to_contain_text(
        "Presente, Patto firmato"
    )
    expect(page.get_by_text(re.compile("firmato il"))).to_be_visible()
    page.screenshot(path=str(screens_dir / "campaign-outcome.png"), full_page=True)
    no_serious_violations(axe, page, "outcome page after the Patto")
    assert page.console_errors == [], page.console_errors
