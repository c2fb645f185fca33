"""The campaign benchmark at a tiny size: every step runs and the figures add up."""

from __future__ import annotations

import pytest

from sil.campaigns import bench
from sil.campaigns.models import Campaign, Convocation
from sil.notifications.models import OutboxMessage
from sil.scale import bench as registry
from tests.factories import CompetenceFactory, CountryFactory, MunicipalityFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    naples = MunicipalityFactory(naples=True, population=9000)
    CompetenceFactory(office=OfficeFactory(name="CPI Napoli"), municipality=naples)
    CountryFactory(romania=True)
    return naples


def test_registered_under_campaign():
    assert registry.resolve("campaign") is bench.run


def test_tiny_run_imports_schedules_and_enqueues(region):
    figures = bench.run(beneficiaries=24, offices=1, seed=3, dispatch_messages=0)
    assert figures["rows"] == 24 and figures["valid"] == 24
    assert figures["convocations"] + figures["excluded"] == 24
    assert figures["scheduled"] == figures["convocations"] > 0
    assert figures["unscheduled"] == 0
    assert figures["messages"] >= figures["scheduled"]  # an invitation each, plus reminders
    for key in ("import_s", "schedule_s", "enqueue_s"):
        assert figures[key] > 0
    assert figures["targets_met"] is False  # never at a tiny size
    campaign = Campaign.objects.get(slug=bench.SLUG)
    assert (
        Convocation.objects.filter(campaign=campaign, state="invited").count()
        == (figures["scheduled"])
    )
    # The campaign's messages are not left for a dispatcher to send.
    assert not OutboxMessage.objects.filter(topic=campaign.topic, status="pending").exists()
    # A second run starts from a fresh campaign: nothing doubles.
    again = bench.run(beneficiaries=24, offices=1, seed=3, dispatch_messages=0)
    assert again["convocations"] == figures["convocations"]
    assert Campaign.objects.filter(slug=bench.SLUG).count() == 1
    assert Convocation.objects.filter(campaign__slug=bench.SLUG).count() == again["convocations"]


def test_capacity_fits_the_busiest_office():
    days, calendars = bench.horizon({1: 1000, 2: 10}, full=False)
    assert days == bench.HORIZON_WORKING_DAYS
    assert calendars[1] * days * bench.SLOTS_PER_DAY >= 1000 * bench.SLACK
    assert calendars[2] == 1
    small_days, _calendars = bench.horizon({1: 16}, full=False)
    assert small_days < 10
