"""The campaign state machine: the table, who may move, what "ready" needs; the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sil.accounts.models import Role
from sil.campaigns import actions
from sil.campaigns.machine import (
    TRANSITIONS,
    CampaignTransitionError,
    allowed_targets,
    check_transition,
    readiness_problems,
)
from sil.campaigns.models import BenefitProgramme, CampaignState, MessageTemplate
from tests.campaigns.factories import (
    CampaignFactory,
    ConvocationFactory,
    ImportBatchFactory,
    OfficeCapacityFactory,
)
from tests.factories import OfficeFactory, UserFactory


def test_the_table():
    assert set(TRANSITIONS) == {
        ("draft", "ready"),
        ("ready", "draft"),
        ("ready", "running"),
        ("running", "closed"),
    }
    assert allowed_targets("ready") == ["draft", "running"]
    assert allowed_targets("closed") == []


def test_programmes_are_data(db):
    codes = set(BenefitProgramme.objects.values_list("code", flat=True))
    assert {"ADI", "SFL", "NASPI", "DIS-COLL", "GOL", "RDC"} <= codes
    adi = BenefitProgramme.objects.get(code="ADI")
    assert adi.sanctions_household and adi.is_active
    assert "decadenza" in adi.sanction_rules["missed_convocation"][0]
    naspi = BenefitProgramme.objects.get(code="NASPI")
    assert naspi.contact_days == 15 and len(naspi.sanction_rules["missed_convocation"]) == 3
    assert not BenefitProgramme.objects.get(code="RDC").is_active


@pytest.fixture
def ready_campaign(db):
    """A draft that satisfies every condition of "ready"."""
    cpi = OfficeFactory()
    campaign = CampaignFactory(channels=["sms", "email"], reminder_days=[1])
    actions.add_default_templates(campaign)
    ImportBatchFactory(campaign=campaign)
    ConvocationFactory(campaign=campaign, office=cpi)
    OfficeCapacityFactory(campaign=campaign, office=cpi, per_day=10)
    return campaign, cpi


def test_ready_needs_everything(ready_campaign):
    campaign, cpi = ready_campaign
    assert readiness_problems(campaign) == []
    manager = UserFactory(operator_of=cpi, role=Role.CPI_MANAGER)
    actions.do_move_campaign(campaign, CampaignState.READY, by=manager)
    assert campaign.state == CampaignState.READY
    actions.do_move_campaign(campaign, CampaignState.DRAFT, by=manager)
    assert campaign.state == CampaignState.DRAFT


def test_each_missing_condition_is_reported(ready_campaign):
    campaign, _cpi = ready_campaign
    campaign.capacities.all().delete()
    MessageTemplate.objects.filter(campaign=campaign, channel="email", language="it").delete()
    campaign.deadline = timezone.localdate()
    campaign.save()
    problems = readiness_problems(campaign)
    assert any("termine" in p for p in problems)
    assert any("capacità" in p for p in problems)
    assert any("e-mail" in p or "email" in p for p in problems)
    regional = UserFactory(regional=True)
    with pytest.raises(CampaignTransitionError) as error:
        check_transition(campaign, CampaignState.READY, regional)
    assert len(error.value.messages) == len(problems) == 4


def test_empty_campaign_is_not_ready(db):
    campaign = CampaignFactory(channels=[])
    problems = readiness_problems(campaign)
    assert any("canale" in p for p in problems)
    assert any("Importare" in p for p in problems)


def test_illegal_moves_and_permissions(ready_campaign):
    campaign, cpi = ready_campaign
    operator = UserFactory(operator_of=cpi)
    with pytest.raises(CampaignTransitionError, match="permessi"):
        check_transition(campaign, CampaignState.READY, operator)
    with pytest.raises(CampaignTransitionError, match="non può passare"):
        check_transition(campaign, CampaignState.CLOSED, UserFactory(regional=True))
    # Launching is for the Region: a CPI manager may prepare, not launch.
    campaign.state = CampaignState.READY
    manager = UserFactory(operator_of=cpi, role=Role.CPI_MANAGER)
    with pytest.raises(CampaignTransitionError, match="permessi"):
        check_transition(campaign, CampaignState.RUNNING, manager)
    check_transition(campaign, CampaignState.RUNNING, UserFactory(regional=True))
    with pytest.raises(CampaignTransitionError):
        actions.do_move_campaign(campaign, CampaignState.RUNNING, by=UserFactory(regional=True))


def test_close_a_running_campaign(db):
    campaign = CampaignFactory(running=True)
    actions.do_move_campaign(campaign, CampaignState.CLOSED, by=UserFactory(regional=True))
    assert campaign.state == CampaignState.CLOSED and campaign.closed_at is not None


def test_create_adds_default_texts_and_edit_only_in_draft(db):
    regional = UserFactory(regional=True)
    programme = BenefitProgramme.objects.get(code="NASPI")
    campaign = actions.do_create_campaign(
        {
            "name": "NASpI dicembre",
            "slug": "naspi-dicembre",
            "programme": programme,
            "deadline": timezone.localdate() + dt.timedelta(days=40),
            "channels": ["sms"],
            "reminder_days": [3, 1],
        },
        by=regional,
    )
    assert campaign.created_by == regional
    steps = set(campaign.templates.values_list("step", "channel", "language"))
    assert ("invitation", "sms", "it") in steps and ("cancelled", "sms", "en") in steps
    # The pact's signing code is written by services.pacts, never from a campaign's templates.
    assert not any(step == "otp" for step, _channel, _language in steps)
    actions.do_update_campaign(campaign, {"channels": ["sms", "appio"]}, by=regional)
    assert campaign.templates.filter(channel="appio", language="it").count() == 4
    campaign.state = CampaignState.READY
    campaign.save()
    with pytest.raises(CampaignTransitionError, match="solo in bozza"):
        actions.do_update_campaign(campaign, {"name": "Altro"}, by=regional)


def test_save_templates(db):
    campaign = CampaignFactory(with_templates=True)
    changed = actions.do_save_templates(
        campaign,
        {
            ("invitation", "sms", "it"): ("", "Nuovo testo {nome}"),
            ("invitation", "sms", "en"): ("", "New text {nome}"),
            ("reminder", "sms", "it"): ("", ""),
        },
    )
    assert changed == 3
    assert campaign.templates.get(step="invitation", channel="sms", language="it").body == (
        "Nuovo testo {nome}"
    )
    assert not campaign.templates.filter(step="reminder", channel="sms", language="it").exists()


def test_default_capacities_from_calendars(db):
    from sil.appointments.models import Calendar, SlotTemplate

    campaign = CampaignFactory(appointment_minutes=30)
    with_templates, without, empty = OfficeFactory(), OfficeFactory(), OfficeFactory()
    for n in range(2):
        calendar = Calendar.objects.create(
            office=with_templates, name=f"Agenda {n}", feed_token=f"t{n}"
        )
        for weekday in (0, 1):
            SlotTemplate.objects.create(
                calendar=calendar,
                weekday=weekday,
                starts=dt.time(9),
                ends=dt.time(12),
                minutes=30,
            )
    Calendar.objects.create(office=without, name="Sportello", feed_token="t9")
    capacities = actions.default_capacities(campaign, [with_templates.pk, without.pk, empty.pk])
    # 2 calendars by 6 slots a day; 1 calendar by a 5-hour day of 30 minutes; no calendar.
    assert capacities == {with_templates.pk: 12, without.pk: 10, empty.pk: 0}
    actions.do_set_capacities(campaign, capacities)
    actions.do_set_capacities(campaign, {empty.pk: 4})
    assert dict(campaign.capacities.values_list("office_id", "per_day")) == {
        with_templates.pk: 12,
        without.pk: 10,
        empty.pk: 4,
    }
