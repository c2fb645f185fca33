"""Launching a campaign: scheduling, invitations and reminders in the real outbox, once."""

from __future__ import annotations

import base64
import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from procrastinate.contrib.django.models import ProcrastinateJob

from sil.appointments.models import Appointment
from sil.campaigns import launch as launching
from sil.campaigns.launch import do_launch_campaign
from sil.campaigns.messaging import enqueue_invitations
from sil.campaigns.models import CampaignState, Convocation, ConvocationEvent, ConvocationState
from sil.notifications.models import OutboxMessage
from tests.campaigns.reception_world import make_world

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def world():
    return make_world()


def test_launch_schedules_invites_and_queues_each_message_once(world):
    campaign = world["campaign"]

    result = do_launch_campaign(campaign, by=world["regional"])

    campaign.refresh_from_db()
    assert campaign.state == CampaignState.RUNNING
    assert campaign.launched_at is not None
    assert (result.convocations, result.scheduled, result.unscheduled) == (4, 4, 0)
    convocations = list(Convocation.objects.filter(campaign=campaign).select_related("person"))
    assert {c.state for c in convocations} == {ConvocationState.INVITED}
    assert all(c.appointment_id and c.invited_at for c in convocations)
    messages = OutboxMessage.objects.filter(topic=campaign.topic)
    # 3 channels x (1 invitation + 2 reminders) per person.
    assert result.messages == messages.count() == 4 * 3 * 3
    first = convocations[0]
    steps = set(messages.filter(person=first.person, channel="sms").values_list("step", flat=True))
    appointment_id = first.appointment_id
    assert steps == {
        "invitation-1",
        f"reminder-3d-a{appointment_id}",
        f"reminder-1d-a{appointment_id}",
    }
    appio = messages.get(person=first.person, channel="appio", step="invitation-1")
    assert appio.recipient == first.person.fiscal_code
    assert ConvocationEvent.objects.filter(convocation=first, kind="invited").count() == 1


def test_invitation_texts_dates_links_and_ics(world):
    campaign = world["campaign"]
    do_launch_campaign(campaign, by=world["regional"])
    convocation = Convocation.objects.select_related("person", "appointment").first()
    appointment = convocation.appointment
    local = appointment.starts_at.astimezone(ROME)
    sms = OutboxMessage.objects.get(person=convocation.person, step="invitation-1", channel="sms")
    assert convocation.person.first_name in sms.body
    assert local.strftime("%d/%m/%Y") in sms.body
    assert local.strftime("%H:%M") in sms.body
    assert "081 000 0000" in sms.body  # the campaign's helpline
    assert "/" in sms.body and "http" in sms.body  # the personal link
    assert sms.segments >= 1
    assert sms.not_after == appointment.starts_at
    email = OutboxMessage.objects.get(
        person=convocation.person, step="invitation-1", channel="email"
    )
    (attachment,) = email.attachments
    assert attachment["mimetype"] == "text/calendar"
    assert b"BEGIN:VCALENDAR" in base64.b64decode(attachment["content_b64"])
    # The long date in e-mails: "lunedì 30 novembre 2026".
    assert str(local.day) in email.body and "20" in email.body


def test_reminders_leave_at_nine_n_days_before_and_expire_at_the_appointment(world):
    do_launch_campaign(world["campaign"], by=world["regional"])
    convocation = Convocation.objects.select_related("appointment").first()
    appointment = convocation.appointment
    reminder = OutboxMessage.objects.get(
        person_id=convocation.person_id, step=f"reminder-3d-a{appointment.pk}", channel="sms"
    )
    expected_day = appointment.starts_at.astimezone(ROME).date() - dt.timedelta(days=3)
    assert reminder.send_after.astimezone(ROME) == dt.datetime.combine(
        expected_day, dt.time(9), tzinfo=ROME
    )
    assert reminder.not_after == appointment.starts_at


def test_relaunch_and_reenqueue_write_nothing_twice(world):
    campaign = world["campaign"]
    do_launch_campaign(campaign, by=world["regional"])
    before = OutboxMessage.objects.filter(topic=campaign.topic).count()

    with pytest.raises(ValidationError):
        do_launch_campaign(campaign, by=world["regional"])
    # Even forced back to "assigned", the same keys are not written again.
    Convocation.objects.filter(campaign=campaign).update(state=ConvocationState.ASSIGNED)
    assert enqueue_invitations(campaign) == 0

    assert OutboxMessage.objects.filter(topic=campaign.topic).count() == before


def test_a_cpi_operator_cannot_launch_and_nothing_is_written(world):
    campaign = world["campaign"]

    with pytest.raises(ValidationError):
        do_launch_campaign(campaign, by=world["operator"])

    campaign.refresh_from_db()
    assert campaign.state == CampaignState.READY
    assert not Appointment.objects.filter(topic=campaign.topic).exists()
    assert not OutboxMessage.objects.filter(topic=campaign.topic).exists()


def test_people_without_phone_get_no_sms(world):
    campaign = world["campaign"]
    lonely = world["convocations"][0]
    lonely.phone = ""
    lonely.save()
    lonely.person.phone = ""
    lonely.person.save()

    do_launch_campaign(campaign, by=world["regional"])

    channels = set(
        OutboxMessage.objects.filter(person=lonely.person, step="invitation-1").values_list(
            "channel", flat=True
        )
    )
    assert channels == {"email", "appio"}


def test_big_campaign_goes_to_the_worker(world, monkeypatch):
    campaign = world["campaign"]
    monkeypatch.setattr(launching, "WORKER_THRESHOLD", 2)

    result = launching.launch(campaign, by=world["regional"])

    assert result.deferred and result.job_id
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.READY
    status = launching.launch_status(campaign)
    assert status.running and status.job_id == result.job_id
    job = ProcrastinateJob.objects.get(pk=result.job_id)
    assert job.task_name == launching.TASK_NAME
    # A second click while it waits does not queue a second launch.
    again = launching.launch(campaign, by=world["regional"])
    assert again.job_id == result.job_id
    assert ProcrastinateJob.objects.filter(task_name=launching.TASK_NAME).count() == 1

    # What the worker runs.
    outcome = launching.launch_campaign_task(**job.args)

    assert outcome["scheduled"] == 4
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.RUNNING


def test_cli_launch_prints_json(world):
    out = StringIO()

    call_command(
        "campaign_launch",
        world["campaign"].slug,
        "--user",
        world["regional"].email,
        "--json",
        stdout=out,
    )

    report = json.loads(out.getvalue())
    assert report["scheduled"] == 4 and report["messages"] == 36


def test_cli_launch_refuses_an_unknown_campaign(world):
    with pytest.raises(CommandError):
        call_command("campaign_launch", "nessuna", "--user", world["regional"].email)
