"""`sil demo_campaigns` completes what an interrupted run left half done."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from sil.accounts.models import User
from sil.campaigns import demo
from sil.campaigns.actions import do_create_campaign, do_move_campaign, do_set_capacities
from sil.campaigns.dashboard import add_working_days
from sil.campaigns.importer import import_file
from sil.campaigns.models import (
    BenefitProgramme,
    Campaign,
    CampaignState,
    Convocation,
    OfficeCapacity,
)
from sil.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region):
    return demo_region, User.objects.get(email="regione@demo.opensil.it")


def half_done(by) -> Campaign:
    """What a run stopped right after the import leaves: the campaign in draft with its list,
    made by the demo's own first steps."""
    campaign = do_create_campaign(
        {
            "name": "Convocazione beneficiari ADI – dicembre 2026",
            "slug": demo.SLUG,
            "programme": BenefitProgramme.objects.get(code="ADI"),
            "deadline": add_working_days(timezone.localdate(), demo.WORKING_DAYS),
            "channels": ["sms", "email"],
            "reminder_days": [3, 1],
            "helpline": "800 123 456",
        },
        by=by,
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "lista-adi.csv"
        demo._write_list(path, demo._offices())
        assert not import_file(path, campaign, dry_run=False, by=by).errors
    return campaign


def assert_under_way(offices) -> None:
    campaign = Campaign.objects.get(slug=demo.SLUG)
    assert campaign.state == CampaignState.RUNNING
    convocations = Convocation.objects.filter(campaign=campaign)
    assert convocations.count() == 14
    assert not convocations.filter(appointment__isnull=True).exists()  # all scheduled
    assert set(
        OfficeCapacity.objects.filter(campaign=campaign).values_list("office_id", flat=True)
    ) == {o.pk for o in offices}


def test_a_campaign_left_in_draft_after_its_import_is_launched(region):
    offices, regione = region
    campaign = half_done(regione)
    result = demo.run()
    assert result.notes == []
    assert Campaign.objects.filter(slug=demo.SLUG).get().pk == campaign.pk
    assert campaign.imports.filter(written=True).count() == 1  # not imported twice
    assert_under_way(offices)
    assert result.outcomes > 0  # and moved along like a campaign made in one go


def test_a_campaign_left_ready_is_launched(region):
    offices, regione = region
    campaign = half_done(regione)
    demo._prepare_calendars(offices, campaign.deadline, regione)
    do_set_capacities(campaign, {office.pk: 6 for office in offices}, by=regione)
    do_move_campaign(campaign, CampaignState.READY, by=regione)
    demo.run()
    assert_under_way(offices)


def test_capacities_follow_the_offices_the_list_was_assigned_to(region):
    """People registered before the demo Region's competences changed (an earlier run on other
    reference data) still name their old CPI: the import assigns today's competent one."""
    offices, _regione = region
    Person.objects.filter(competent_office=offices[0]).update(competent_office=offices[1])
    result = demo.run()
    assert result.created, result.notes
    campaign = Campaign.objects.get(slug=demo.SLUG)
    assert campaign.state == CampaignState.RUNNING
    assigned = set(Convocation.objects.filter(campaign=campaign).values_list("office", flat=True))
    assert assigned == {o.pk for o in offices}
    assert (
        set(OfficeCapacity.objects.filter(campaign=campaign).values_list("office_id", flat=True))
        == assigned
    )
