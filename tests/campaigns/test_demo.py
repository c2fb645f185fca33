"""`sil demo_campaigns`: a campaign under way over the demo CPIs, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from sil.campaigns import demo
from sil.campaigns.dashboard import campaign_dashboard
from sil.campaigns.models import Campaign, CampaignState, Convocation
from sil.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_demo_campaign_is_under_way_and_a_second_run_adds_nothing(demo_region):
    result = demo.run()
    assert result.created, result.notes
    campaign = Campaign.objects.get(slug=demo.SLUG)
    assert campaign.state == CampaignState.RUNNING
    assert result.convocations == 14
    assert OutboxMessage.objects.filter(topic=campaign.topic).exists()
    dashboard = campaign_dashboard(campaign)
    totals = dashboard.totals
    # Per CPI: one confirmed, one Patto signed, one refused, one exempt, one employed.
    assert (totals.total, totals.confirmed, totals.seen, totals.signed) == (14, 2, 4, 2)
    assert (totals.other_outcomes, totals.remaining) == (4, 6)
    assert len(dashboard.daily) >= 2  # outcomes spread over the last working days
    assert dashboard.projection.status in ("on_time", "late")
    again = demo.run()
    assert not again.created and again.outcomes == 0
    assert Campaign.objects.filter(slug=demo.SLUG).count() == 1
    assert Convocation.objects.filter(campaign=campaign).count() == 14


@override_settings(DEMO=True)
def test_command_reports(demo_region, capsys):
    call_command("demo_campaigns")
    assert "14 convocazioni" in capsys.readouterr().out


def test_demo_records_presence_and_sanctions_only_for_appointments_already_held(demo_region):
    from django.utils import timezone

    from sil.campaigns.models import Outcome, SanctionEvent
    from sil.campaigns.outcomes import ABSENT_OUTCOMES, PRESENT_OUTCOMES

    result = demo.run()
    assert not result.notes, result.notes
    now = timezone.now()
    seen = Convocation.objects.filter(
        outcome__in=list(PRESENT_OUTCOMES | ABSENT_OUTCOMES)
    ).select_related("appointment")
    # Per CPI one Patto signed and one refused, both at a desk on a past working day.
    assert sorted(c.outcome for c in seen) == sorted([Outcome.PRES_PSP, Outcome.PRES_NOPSP] * 2)
    for convocation in seen:
        appointment = convocation.appointment
        assert appointment.starts_at < now and appointment.status == "done"
        assert appointment.checked_in_at >= appointment.starts_at
        assert convocation.outcome_at >= appointment.starts_at
    events = list(SanctionEvent.objects.all())
    assert len(events) == 2
    assert all(event.occurred_on < timezone.localdate() for event in events)
