"""A small region for the launch, messaging, reception and outcome tests of campaigns.

world = make_world()   # one CPI with two calendars and slots on the week after next,
                       # a ready campaign (SMS, e-mail, App IO; reminders 3 and 1 days before),
                       # four assigned convocations, a Region user and an operator of the CPI
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sil.appointments.actions import do_create_slots
from sil.appointments.models import Appointment
from sil.campaigns.models import Campaign, Convocation, ConvocationState
from sil.services.models import PactState, ServicePact, SignatureMethod
from tests.appointments.factories import (
    AppointmentFactory,
    CalendarFactory,
    SlotFactory,
    SlotTemplateFactory,
    next_weekday,
)
from tests.campaigns.factories import (
    CampaignFactory,
    ConvocationFactory,
    ImportBatchFactory,
    OfficeCapacityFactory,
)
from tests.factories import OfficeFactory, UserFactory


def make_world(
    *, people: int = 4, channels: tuple[str, ...] = ("sms", "email", "appio")
) -> dict[str, Any]:
    office = OfficeFactory(address="Via Roma 1", postal_code="80100", phone="081 111 2222")
    calendars = [CalendarFactory(office=office) for _ in range(2)]
    for calendar in calendars:
        for weekday in range(5):
            SlotTemplateFactory(
                calendar=calendar, weekday=weekday, starts=dt.time(9), ends=dt.time(12)
            )
    # The week after next: far enough for both reminders to lie in the future.
    monday = next_weekday(0, after=timezone.localdate() + dt.timedelta(days=7))
    do_create_slots(office, monday, monday + dt.timedelta(days=4))
    campaign = CampaignFactory(
        ready=True,
        with_templates=True,
        channels=list(channels),
        reminder_days=[3, 1],
        starts_on=monday,
        deadline=monday + dt.timedelta(days=4),
    )
    ImportBatchFactory(campaign=campaign)
    OfficeCapacityFactory(campaign=campaign, office=office, per_day=10)
    convocations = [
        ConvocationFactory(campaign=campaign, office=office, row=i + 1) for i in range(people)
    ]
    return {
        "office": office,
        "calendars": calendars,
        "monday": monday,
        "campaign": campaign,
        "convocations": convocations,
        "regional": UserFactory(regional=True),
        "operator": UserFactory(operator_of=office),
        "other_operator": UserFactory(operator_of=OfficeFactory()),
    }


def give_appointment(
    convocation: Convocation,
    *,
    starts_at: dt.datetime,
    state: str = ConvocationState.INVITED,
    status: str = "booked",
) -> Appointment:
    """Attach an appointment at any time (past ones too) to a convocation, as scheduling would."""
    calendar = CalendarFactory(office=convocation.office)
    appointment = AppointmentFactory(
        slot=SlotFactory(calendar=calendar, starts_at=starts_at),
        person=convocation.person,
        topic=convocation.campaign.topic,
        status=status,
    )
    convocation.appointment = appointment
    convocation.state = state
    convocation.invited_at = timezone.now()
    convocation.save()
    return appointment


def sign_pact(convocation: Convocation, *, topic: str | None = None) -> ServicePact:
    """A Patto signed for the convocation's campaign (written directly, as P6's tests do)."""
    campaign: Campaign = convocation.campaign
    return ServicePact.objects.create(
        person=convocation.person,
        office=convocation.office,
        topic=campaign.topic if topic is None else topic,
        state=PactState.SIGNED,
        job_search_actions="Due candidature al mese.",
        meeting_frequency="Ogni 30 giorni",
        search_proof="Copia delle candidature.",
        availability="Disponibile.",
        valid_from=timezone.localdate(),
        signed_at=timezone.now(),
        signature_method=SignatureMethod.OTP,
        document_sha256="a" * 64,
    )
