"""The bulk invitation path (light rows from one streamed query) against the per-person one."""

from __future__ import annotations

import base64
import re

import pytest
from django.db import transaction

from sil.campaigns.messaging import Composer, enqueue_invitations
from sil.campaigns.models import Convocation, ConvocationState
from sil.campaigns.scheduling import schedule_campaign
from sil.notifications.models import OutboxMessage
from tests.campaigns.reception_world import make_world

pytestmark = pytest.mark.django_db

# The signed token carries a timestamp: two renderings a second apart differ only there.
TOKEN = re.compile(r"/[\w.:-]{20,}/")


def _scheduled_world():
    world = make_world(people=3)
    schedule_campaign(world["campaign"])
    return world


def test_only_the_given_convocations_are_invited():
    world = _scheduled_world()
    campaign = world["campaign"]
    first, *others = Convocation.objects.filter(campaign=campaign).order_by("pk")

    with transaction.atomic():
        written = enqueue_invitations(campaign, ids=[first.pk])

    messages = OutboxMessage.objects.filter(topic=campaign.topic)
    assert written == messages.count() == 3 * 3  # 3 channels x (invitation + 2 reminders)
    assert set(messages.values_list("person_id", flat=True)) == {first.person_id}
    states = dict(Convocation.objects.filter(campaign=campaign).values_list("pk", "state"))
    assert states[first.pk] == ConvocationState.INVITED
    assert {states[c.pk] for c in others} == {ConvocationState.ASSIGNED}


def test_bulk_texts_equal_the_per_person_rendering():
    world = _scheduled_world()
    campaign = world["campaign"]
    with transaction.atomic():
        enqueue_invitations(campaign)

    composer = Composer.for_campaign(campaign)
    queryset = Convocation.objects.filter(campaign=campaign).select_related(
        "person", "appointment__office__municipality"
    )
    for convocation in queryset:
        appointment = convocation.appointment
        expected = composer.invitation(
            convocation, appointment, composer.context(convocation, appointment)
        )
        assert {spec.channel for spec in expected} == {"sms", "email", "appio"}
        for spec in expected:
            stored = OutboxMessage.objects.get(
                person_id=convocation.person_id, step=spec.step, channel=spec.channel
            )
            assert stored.recipient == spec.recipient
            assert stored.subject == spec.subject
            assert TOKEN.sub("/T/", stored.body) == TOKEN.sub("/T/", spec.body)
            if spec.channel == "email":
                (attachment,) = stored.attachments
                ics = base64.b64decode(attachment["content_b64"]).decode()
                assert f"UID:appointment-{appointment.pk}@opensil" in ics
                assert "DTSTAMP:" in ics
