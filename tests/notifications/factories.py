"""Outbox rows written directly (the actions are tested on their own)."""

from __future__ import annotations

import factory
from django.utils import timezone

from sil.notifications.models import Channel, MessageStatus, OutboxMessage
from tests.factories import PersonFactory


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    person = factory.SubFactory(PersonFactory)
    topic = "campaign:1"
    step = factory.Sequence(lambda n: f"step{n}")
    channel = Channel.SMS
    recipient = "+393331234567"
    body = "Promemoria: appuntamento al Centro per l'Impiego."
    send_after = factory.LazyFunction(timezone.now)
    status = MessageStatus.PENDING

    class Params:
        sent = factory.Trait(status=MessageStatus.SENT, attempts=1, provider="sms")
        email = factory.Trait(
            channel=Channel.EMAIL, recipient="persona@esempio.invalid", subject="Convocazione"
        )
