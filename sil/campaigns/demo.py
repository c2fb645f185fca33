"""The demo campaign (`sil demo_campaigns`): an ADI convocation campaign that is under way.

Over the first OFFICES CPIs of the demo Region (the demo operator's CPI first), through the
same actions the screens use: a calendar per CPI with weekly slots for the next weeks, the
list of up to PER_OFFICE demo people per CPI imported as the national platform would send it,
the campaign made ready and launched (scheduling and invitations), then a few people per CPI
moved along: one confirmed by link, one signed the Patto on paper, one present who refused it,
one exempt, one already employed. Those seen at the desk had their appointment on a past
working day (check-in and outcome need its time to have come); the other outcomes are spread
over the last working days so that the dashboard has a daily series and a projection to show.

Idempotent: a campaign already there is topped up (missing outcomes only), never duplicated;
one that an interrupted run left before its launch is carried on from where it stopped.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from sil.accounts.demo import DEMO_DOMAIN
from sil.accounts.models import User
from sil.campaigns.dashboard import add_working_days, previous_working_day
from sil.campaigns.models import (
    BenefitProgramme,
    Campaign,
    CampaignState,
    Convocation,
    ConvocationState,
    Outcome,
)
from sil.people.models import Person
from sil.territory.models import Office, OfficeKind

SLUG = "demo-adi-2026"
OFFICES = 5
PER_OFFICE = 10
WORKING_DAYS = 30
# A minimal PDF: the "scan" of a Patto signed on paper in the demo.
DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class DemoResult:
    created: bool = False
    convocations: int = 0
    outcomes: int = 0
    notes: list[str] = field(default_factory=list)


def _user(local_part: str) -> User | None:
    return User.objects.filter(email=f"{local_part}@{DEMO_DOMAIN}").first()


def _offices() -> list[Office]:
    return list(
        Office.objects.filter(kind=OfficeKind.CPI, is_active=True)
        .filter(pk__in=Person.objects.values("competent_office_id"))
        .order_by("code")[:OFFICES]
    )


def _prepare_calendars(offices: list[Office], last: dt.date, by: Any) -> None:
    from sil.appointments.actions import do_create_calendar, do_create_slots
    from sil.appointments.models import Calendar, SlotTemplate

    first = timezone.localdate() + dt.timedelta(days=1)
    for office in offices:
        calendar = Calendar.objects.filter(office=office, name="Convocazioni ADI").first()
        if calendar is None:
            calendar = do_create_calendar(office, name="Convocazioni ADI", by=by)
            SlotTemplate.objects.bulk_create(
                SlotTemplate(
                    calendar=calendar,
                    weekday=weekday,
                    starts=dt.time(9),
                    ends=dt.time(12),
                    minutes=30,
                )
                for weekday in range(5)
            )
        do_create_slots(office, first, last, by=by)


def _write_list(path: Path, offices: list[Office]) -> int:
    columns = [
        "codice_fiscale",
        "cognome",
        "nome",
        "id_nucleo",
        "telefono",
        "email",
        "comune_residenza",
        "indirizzo",
        "misura",
    ]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(columns)
        for office in offices:
            people = (
                Person.objects.filter(competent_office=office, residence_municipality__isnull=False)
                .select_related("residence_municipality")
                .order_by("id")[:PER_OFFICE]
            )
            for person in people:
                municipality = person.residence_municipality
                assert municipality is not None
                writer.writerow(
                    [
                        person.fiscal_code,
                        person.last_name,
                        person.first_name,
                        f"DEMO-{person.pk:07d}",
                        person.phone or "+39 333 000 0000",
                        person.email,
                        f"{municipality.name} ({municipality.province_code})",
                        person.residence_address or "Via Roma 1",
                        "ADI",
                    ]
                )
                rows += 1
    return rows


def _create(by: Any, result: DemoResult) -> Campaign | None:
    """Create the campaign and carry it to "running", resuming what an earlier run left half
    done (created, imported, ready): every step checks whether it is still needed."""
    from sil.campaigns.actions import do_create_campaign, do_move_campaign, do_set_capacities
    from sil.campaigns.importer import import_file
    from sil.campaigns.launch import do_launch_campaign

    campaign = Campaign.objects.filter(slug=SLUG).first()
    if campaign is None:
        offices = _offices()
        if not offices:
            result.notes.append("nessun CPI con persone dimostrative: eseguire prima demo_people")
            return None
        programme = BenefitProgramme.objects.get(code="ADI")
        campaign = do_create_campaign(
            {
                "name": "Convocazione beneficiari ADI – dicembre 2026",
                "slug": SLUG,
                "programme": programme,
                "deadline": add_working_days(timezone.localdate(), WORKING_DAYS),
                "channels": ["sms", "email"],
                "reminder_days": [3, 1],
                "helpline": "800 123 456",
            },
            by=by,
        )
        result.created = True
    if campaign.state == CampaignState.DRAFT:
        if not campaign.imports.filter(written=True, dry_run=False).exists():
            with tempfile.TemporaryDirectory() as directory:
                path = Path(directory) / "lista-adi.csv"
                _write_list(path, _offices())
                report = import_file(path, campaign, dry_run=False, by=by)
            if report.errors:
                errors = report.as_dict()["errors"][:3]
                result.notes.append(f"importazione non riuscita: {errors}")
                return campaign
        # The offices the list was assigned to (the CPI competent today for each residence):
        # a person's stored office may predate the demo Region's current competences.
        offices = list(
            Office.objects.filter(
                pk__in=Convocation.objects.filter(campaign=campaign).values("office_id")
            ).order_by("code")
        )
        _prepare_calendars(offices, campaign.deadline, by)
        do_set_capacities(campaign, {office.pk: 6 for office in offices}, by=by)
        campaign = do_move_campaign(campaign, CampaignState.READY, by=by)
    if campaign.state == CampaignState.READY:
        do_launch_campaign(campaign, by=by)
        result.created = True
    return campaign


def _sign_on_paper(convocation: Convocation, by: Any) -> None:
    from sil.services.pacts import (
        do_create_pact,
        do_send_pact_to_signature,
        do_upload_pact_scan,
    )

    pact = do_create_pact(
        convocation.person,
        office=convocation.office,  # type: ignore[arg-type]
        operator=by,
        data={"valid_from": timezone.localdate()},
        topic=convocation.campaign.topic,
        by=by,
    )
    pact = do_send_pact_to_signature(pact, by=by)
    do_upload_pact_scan(pact, SimpleUploadedFile("patto.pdf", DEMO_SCAN), by=by)


def _held_earlier(convocation: Convocation, by: Any) -> Any:
    """Demo only: the person's appointment is dated on the last working day with a free slot
    of the same calendar (made from its weekly templates), so that their reception can be
    recorded: presence and absence need the appointment's time to have come. Only the date
    moves; check-in and outcome then go through the actions. None when no past slot is free."""
    from sil.appointments.actions import do_create_slots
    from sil.appointments.models import Appointment, Slot

    appointment = convocation.appointment
    assert appointment is not None
    calendar = appointment.slot.calendar
    day = timezone.localdate()
    for _attempt in range(10):
        day = previous_working_day(day)
        do_create_slots(calendar, day, day, by=by)
        slot = (
            Slot.objects.free()
            .filter(calendar=calendar, starts_at__date=day)
            .order_by("starts_at")
            .first()
        )
        if slot is not None:
            Appointment.objects.filter(pk=appointment.pk).update(
                slot=slot, starts_at=slot.starts_at, ends_at=slot.ends_at
            )
            appointment.refresh_from_db()
            return appointment
    return None


def _scenario(convocation: Convocation, index: int, by: Any) -> str | None:
    """What happens to the index-th person of a CPI; returns the outcome recorded, if any."""
    from sil.appointments.actions import do_check_in, do_confirm
    from sil.campaigns.outcomes import do_record_outcome

    appointment = convocation.appointment
    if appointment is None:
        return None
    if index == 0:
        do_confirm(appointment, by_citizen=True)
        return None
    if index in (1, 2):
        # Seen at the desk: on an appointment whose day has come, never one ahead.
        appointment = _held_earlier(convocation, by)
        if appointment is None:
            return None
        do_check_in(appointment, by=by)
        if index == 1:
            _sign_on_paper(convocation, by)
            # Signing may already have recorded the outcome (the Patto's own follow-up).
            convocation.refresh_from_db(fields=["outcome", "state"])
            if not convocation.outcome:
                do_record_outcome(convocation, Outcome.PRES_PSP, by=by, check_scope=False)
            return Outcome.PRES_PSP
        do_record_outcome(
            convocation,
            Outcome.PRES_NOPSP,
            by=by,
            note="Non intende firmare il Patto.",
            check_scope=False,
        )
        return Outcome.PRES_NOPSP
    if index == 3:
        do_record_outcome(convocation, Outcome.ESONERO, by=by, check_scope=False)
        return Outcome.ESONERO
    if index == 4:
        do_record_outcome(convocation, Outcome.OCCUPATO, by=by, check_scope=False)
        return Outcome.OCCUPATO
    return None


def _spread_outcomes(campaign: Campaign) -> None:
    """Demo only: outcomes recorded just now are dated over the last working days, so the
    dashboard shows a pace (the data stay consistent: only the outcome time moves)."""
    today = timezone.localdate()
    closed = list(
        Convocation.objects.filter(
            campaign=campaign, state=ConvocationState.CLOSED, outcome_at__date=today
        )
        .select_related("appointment")
        .order_by("id")
    )
    day = today
    now = timezone.now()
    for number, convocation in enumerate(closed):
        if number % 3 == 0:
            day = previous_working_day(day)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, number % 50)))
        appointment = convocation.appointment
        if appointment is not None and appointment.ends_at <= now:
            at = appointment.ends_at  # seen at the desk: recorded as the appointment ended
        Convocation.objects.filter(pk=convocation.pk).update(outcome_at=at)


def run(log: Callable[[str], Any] = print) -> DemoResult:
    result = DemoResult()
    by = _user("regione") or _user("admin")
    campaign = Campaign.objects.filter(slug=SLUG).first()
    if campaign is None or campaign.state in (CampaignState.DRAFT, CampaignState.READY):
        campaign = _create(by, result)
        if campaign is None:
            return result
    if campaign.state != CampaignState.RUNNING:
        result.notes.append(f"campagna nello stato {campaign.state}: nessun esito aggiunto")
        return result
    operator = _user("operatore") or by
    for office_id in (
        Convocation.objects.filter(campaign=campaign)
        .order_by()
        .values_list("office_id", flat=True)
        .distinct()
    ):
        convocations = list(
            Convocation.objects.filter(campaign=campaign, office_id=office_id)
            .select_related("appointment", "person", "office", "campaign")
            .order_by("row", "id")
        )
        for index, convocation in enumerate(convocations):
            if convocation.outcome or convocation.state == ConvocationState.CONFIRMED:
                continue
            try:
                # A person's steps (check-in, Patto, outcome) whole or not at all: an
                # interrupted run must not leave a check-in without its outcome.
                with transaction.atomic():
                    recorded = _scenario(convocation, index, operator if index else None)
                if recorded:
                    result.outcomes += 1
            except ValidationError as exc:
                result.notes.append(f"{convocation.person.fiscal_code}: {' '.join(exc.messages)}")
    _spread_outcomes(campaign)
    result.convocations = Convocation.objects.filter(campaign=campaign).count()
    return result
