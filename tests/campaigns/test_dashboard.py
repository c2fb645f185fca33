"""The campaign dashboard: exact figures on a hand-built campaign, scoping, live partial."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sil.appointments.models import AppointmentStatus
from sil.campaigns.dashboard import campaign_dashboard
from sil.campaigns.models import ConvocationState, Outcome
from sil.notifications.models import MessageStatus, OutboxMessage
from tests.appointments.factories import AppointmentFactory, CalendarFactory, SlotFactory, local
from tests.campaigns.factories import CampaignFactory, ConvocationFactory
from tests.factories import UserFactory, two_cpi_world

pytestmark = pytest.mark.django_db


def _message(convocation, status, channel="sms", step="invitation-1"):
    OutboxMessage.objects.create(
        person=convocation.person,
        topic=convocation.campaign.topic,
        step=step,
        channel=channel,
        recipient="+393331234567",
        body="Gentile utente",
        status=status,
        send_after=timezone.now(),
    )


def _appointment(convocation, day_offset, status=AppointmentStatus.BOOKED, confirmed=False):
    office = convocation.office
    calendar = CalendarFactory(office=office)
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    slot = SlotFactory(calendar=calendar, starts_at=local(day, 9))
    appointment = AppointmentFactory(
        slot=slot,
        person=convocation.person,
        status=status,
        topic=convocation.campaign.topic,
        confirmed_at=timezone.now() if confirmed else None,
    )
    convocation.appointment = appointment
    convocation.save(update_fields=["appointment"])
    return appointment


@pytest.fixture
def world():
    """CPI A: 6 convocations at every stage; CPI B: 3. Numbers are asserted exactly below."""
    data = two_cpi_world()
    campaign = CampaignFactory(running=True)
    cpi_a, cpi_b = data["cpi_a"], data["cpi_b"]
    now = timezone.now()
    # CPI A
    ConvocationFactory(campaign=campaign, office=cpi_a)  # assigned, not invited
    delivered = ConvocationFactory(campaign=campaign, office=cpi_a, invited=True)
    _message(delivered, MessageStatus.DELIVERED)
    _appointment(delivered, 5)
    read = ConvocationFactory(campaign=campaign, office=cpi_a, invited=True)
    _message(read, MessageStatus.READ)
    _message(read, MessageStatus.FAILED, channel="email")  # a second message: counted once
    confirmed = ConvocationFactory(
        campaign=campaign, office=cpi_a, invited=True, state=ConvocationState.CONFIRMED
    )
    _message(confirmed, MessageStatus.SENT)
    _appointment(confirmed, 9, AppointmentStatus.CONFIRMED, confirmed=True)
    signed = ConvocationFactory(campaign=campaign, office=cpi_a, invited=True, closed=True)
    _appointment(signed, -1, AppointmentStatus.DONE, confirmed=True)
    ConvocationFactory(
        campaign=campaign,
        office=cpi_a,
        invited=True,
        closed=True,
        outcome=Outcome.ASS_INGIUST,
    )
    # CPI B
    ConvocationFactory(
        campaign=campaign, office=cpi_b, invited=True, closed=True, outcome=Outcome.PRES_NOPSP
    )
    ConvocationFactory(
        campaign=campaign,
        office=cpi_b,
        invited=True,
        state=ConvocationState.ASSIGNED,
        outcome=Outcome.ASS_GIUST,
        outcome_at=now,
    )
    ConvocationFactory(campaign=campaign, office=cpi_b, invited=True)
    # Another campaign's message for a person of this one: not counted.
    other = CampaignFactory()
    OutboxMessage.objects.create(
        person=signed.person,
        topic=other.topic,
        step="invitation-1",
        channel="sms",
        recipient="+393331234567",
        body="x",
        status=MessageStatus.DELIVERED,
        send_after=now,
    )
    return {**data, "campaign": campaign}


def test_figures_per_office_and_overall(world):
    dashboard = campaign_dashboard(world["campaign"])
    rows = {row.office.name: row.figures for row in dashboard.rows}
    a, b = rows["CPI A"], rows["CPI B"]
    assert (a.total, a.invited, a.delivered, a.confirmed, a.scheduled) == (6, 5, 2, 2, 2)
    assert (a.seen, a.signed, a.no_shows, a.absent_unjustified, a.remaining) == (1, 1, 1, 1, 4)
    assert a.closed == 2 and a.other_outcomes == 0
    assert (b.total, b.invited, b.delivered, b.seen, b.signed) == (3, 3, 0, 1, 0)
    assert (b.absent_justified, b.no_shows, b.remaining, b.closed) == (1, 1, 2, 1)
    totals = dashboard.totals
    assert (totals.total, totals.invited, totals.delivered, totals.confirmed) == (9, 8, 2, 2)
    assert (totals.seen, totals.signed, totals.no_shows, totals.remaining) == (2, 1, 2, 6)
    # Last appointment of an open convocation: the confirmed one, 9 days ahead.
    assert timezone.localtime(totals.last_appointment).date() == timezone.localdate() + (
        dt.timedelta(days=9)
    )
    # Outcomes were all recorded today: 3 closed today, the pace is measured on today alone.
    assert [(p.day, p.seen, p.closed) for p in dashboard.daily] == [(timezone.localdate(), 2, 3)]
    assert dashboard.projection.rate == 3.0
    assert dashboard.projection.status in ("on_time", "late")
    data = dashboard.as_dict()
    assert data["totals"]["no_shows"] == 2
    assert [o["office"] for o in data["offices"]] == [world["cpi_a"].code, world["cpi_b"].code]


def test_office_scope_limits_the_figures(world):
    dashboard = campaign_dashboard(world["campaign"], office_ids={world["cpi_b"].pk})
    assert [row.office for row in dashboard.rows] == [world["cpi_b"]]
    assert dashboard.totals.total == 3
    single = campaign_dashboard(world["campaign"], office=world["cpi_a"])
    assert single.office == world["cpi_a"] and single.totals.total == 6


def test_page_for_a_cpi_operator_shows_only_their_cpi(client, world, django_assert_num_queries):
    campaign = world["campaign"]
    url = reverse("campaigns:dashboard", args=[campaign.pk])
    client.force_login(world["operator_a"])
    client.get(url)  # warm the session
    with django_assert_num_queries(10):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "CPI A" in page and "CPI B" not in page
    assert 'hx-trigger="every 30s"' in page
    assert reverse("campaigns:dashboard_office", args=[campaign.pk, world["cpi_a"].pk]) in page
    other = reverse("campaigns:dashboard_office", args=[campaign.pk, world["cpi_b"].pk])
    assert client.get(other).status_code == 404
    client.force_login(world["regional"])
    page = client.get(url).content.decode()
    assert "CPI A" in page and "CPI B" in page
    assert client.get(other).status_code == 200


def test_office_page_query_count(client, world, django_assert_num_queries):
    campaign = world["campaign"]
    url = reverse("campaigns:dashboard_office", args=[campaign.pk, world["cpi_a"].pk])
    client.force_login(world["operator_a"])
    client.get(url)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert "Per Centro per l&#x27;Impiego" not in response.content.decode()


def test_json_figures(client, world):
    client.force_login(world["regional"])
    url = reverse("campaigns:dashboard", args=[world["campaign"].pk])
    data = client.get(url, {"formato": "json"}).json()
    assert data["totals"]["total"] == 9
    assert data["projection"]["rate_per_working_day"] == 3.0


def test_not_for_citizens_or_anonymous(client, world):
    url = reverse("campaigns:dashboard", args=[world["campaign"].pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(citizen=True))
    assert client.get(url).status_code == 403


def _without_clock(html: str) -> str:
    return re.sub(r"Dati aggiornati alle \d\d:\d\d", "", html)


@pytest.mark.parametrize("which", ["campaign", "office"])
def test_htmx_partial_equals_the_block_of_the_full_page(client, world, which):
    campaign = world["campaign"]
    if which == "campaign":
        url = reverse("campaigns:dashboard", args=[campaign.pk])
    else:
        url = reverse("campaigns:dashboard_office", args=[campaign.pk, world["cpi_a"].pk])
    client.force_login(world["regional"])
    full = _without_clock(client.get(url).content.decode())
    partial = _without_clock(client.get(url, headers={"HX-Request": "true"}).content.decode())
    assert "<html" not in partial and "chart-progress" in partial
    block = full.split('hx-swap="innerHTML">', 1)[1]
    assert block.startswith(partial)
    assert block[len(partial) :].lstrip().startswith("</div>")
