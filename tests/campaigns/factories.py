"""Factories of campaigns: programmes, campaigns, templates, capacities, convocations.

programme = BenefitProgrammeFactory()                      # a programme of its own
adi = BenefitProgrammeFactory(adi=True)                    # the ADI row (get or create)
campaign = CampaignFactory()                               # draft, deadline in 60 days, SMS
CampaignFactory(ready=True)                                # state "ready"
CampaignFactory(with_templates=True)                       # Italian templates for its channels
OfficeCapacityFactory(campaign=campaign, office=cpi, per_day=20)
conv = ConvocationFactory(campaign=campaign, office=cpi)   # assigned, person competent at cpi
ConvocationFactory(closed=True)                            # closed with outcome PRES_PSP
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from sil.campaigns.models import (
    BenefitProgramme,
    Campaign,
    CampaignState,
    Convocation,
    ConvocationState,
    Exclusion,
    ExclusionReason,
    Household,
    ImportBatch,
    MessageTemplate,
    OfficeCapacity,
    Outcome,
    TemplateStep,
)
from tests.factories import OfficeFactory, PersonFactory


class BenefitProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitProgramme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    name = factory.Sequence(lambda n: f"Misura di prova {n}")
    legal_basis = "D.Lgs. 150/2015"
    contact_days = 30
    pact_days = 60
    sanction_rules: Any = factory.LazyFunction(dict)
    sanctions_household = False
    is_active = True

    class Params:
        # The rows written by the data migration (get_or_create keeps them).
        adi = factory.Trait(code="ADI", name="Assegno di inclusione", sanctions_household=True)
        naspi = factory.Trait(code="NASPI", name="NASpI")
        sfl = factory.Trait(code="SFL", name="Supporto formazione e lavoro")


def _deadline() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=60)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"campagna-{n}")
    name = factory.Sequence(lambda n: f"Campagna di prova {n}")
    programme = factory.SubFactory(BenefitProgrammeFactory)
    state = CampaignState.DRAFT
    list_date = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(_deadline)
    channels: Any = factory.LazyFunction(lambda: ["sms"])
    reminder_days: Any = factory.LazyFunction(lambda: [3, 1])
    appointment_minutes = 30
    helpline = "081 000 0000"
    sms_cost_cents = 5

    class Params:
        ready = factory.Trait(state=CampaignState.READY)
        running = factory.Trait(state=CampaignState.RUNNING)
        closed = factory.Trait(state=CampaignState.CLOSED)

    @factory.post_generation
    def with_templates(obj: Campaign, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            add_default_templates(obj)


def add_default_templates(campaign: Campaign) -> None:
    """Italian templates of every step for every channel of the campaign."""
    for channel in campaign.channels:
        for step in TemplateStep.values:
            MessageTemplate.objects.get_or_create(
                campaign=campaign,
                step=step,
                channel=channel,
                language="it",
                defaults={
                    "subject": "Convocazione al Centro per l'Impiego",
                    "body": "Gentile {nome}, la aspettiamo il {data} alle {ora} in {sede}. "
                    "Info: {telefono} {link}",
                },
            )


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    campaign = factory.SubFactory(CampaignFactory)
    step = TemplateStep.INVITATION
    channel = "sms"
    language = "it"
    subject = ""
    body = "Gentile {nome}, la aspettiamo il {data} alle {ora} in {sede}. Info: {telefono}"


class OfficeCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeCapacity

    campaign = factory.SubFactory(CampaignFactory)
    office = factory.SubFactory(OfficeFactory)
    per_day = 20


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    programme = factory.SubFactory(BenefitProgrammeFactory)
    code = factory.Sequence(lambda n: f"NUC{n:08d}")


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    campaign = factory.SubFactory(CampaignFactory)
    file_name = "lista.csv"
    sha256 = "0" * 64
    written = True


class ConvocationFactory(factory.django.DjangoModelFactory):
    """An assigned convocation; the person is competent at the convocation's office."""

    class Meta:
        model = Convocation

    campaign = factory.SubFactory(CampaignFactory)
    office = factory.SubFactory(OfficeFactory)
    person = factory.SubFactory(PersonFactory, competent_office=factory.SelfAttribute("..office"))
    household = None
    state = ConvocationState.ASSIGNED
    phone = "+393331234567"
    email = factory.SelfAttribute("person.email")

    class Params:
        invited = factory.Trait(
            state=ConvocationState.INVITED, invited_at=factory.LazyFunction(timezone.now)
        )
        closed = factory.Trait(
            state=ConvocationState.CLOSED,
            outcome=Outcome.PRES_PSP,
            outcome_at=factory.LazyFunction(timezone.now),
        )


class ExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exclusion

    campaign = factory.SubFactory(CampaignFactory)
    batch = factory.SubFactory(ImportBatchFactory, campaign=factory.SelfAttribute("..campaign"))
    fiscal_code = factory.SelfAttribute("person.fiscal_code")
    person = factory.SubFactory(PersonFactory)
    reason = ExclusionReason.NO_CONTACT
