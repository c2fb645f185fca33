"""Enqueue (idempotent, in the caller's transaction), cancel and forward-only delivery reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from sil.notifications.actions import (
    MessageSpec,
    attach_waiting_reports,
    do_cancel,
    do_enqueue,
    do_record_report,
)
from sil.notifications.models import DeliveryReport, MessageStatus, OutboxMessage
from tests.factories import PersonFactory
from tests.notifications.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


def spec(person_id: int | None, step: str = "invite", **kwargs: object) -> MessageSpec:
    values: dict[str, object] = {
        "person_id": person_id,
        "topic": "campaign:7",
        "step": step,
        "channel": "sms",
        "recipient": "+393331234567",
        "body": "Sei convocato al CPI il 3/12 alle 9:30. Info: 081 123456",
    }
    values.update(kwargs)
    return MessageSpec(**values)  # type: ignore[arg-type]


def test_enqueue_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        # pytest-django wraps the test in a transaction: leave it to check the guard.
        transaction.get_connection().in_atomic_block = False
        try:
            do_enqueue([spec(None)])
        finally:
            transaction.get_connection().in_atomic_block = True


def test_enqueue_is_idempotent_by_business_key() -> None:
    person = PersonFactory()
    with transaction.atomic():
        assert (
            do_enqueue([spec(person.pk), spec(person.pk, channel="email", recipient="a@b.it")]) == 2
        )
    with transaction.atomic():
        # Same key again (different text): nothing new, nothing changed.
        assert do_enqueue([spec(person.pk, body="altro"), spec(person.pk, step="reminder-1d")]) == 1
    assert OutboxMessage.objects.count() == 3
    sms = OutboxMessage.objects.get(person=person, step="invite", channel="sms")
    assert sms.body.startswith("Sei convocato") and sms.status == MessageStatus.PENDING
    assert sms.segments == 1
    # Without a person the key still holds (NULLS NOT DISTINCT).
    with transaction.atomic():
        assert do_enqueue([spec(None), spec(None)]) == 1


def test_enqueue_counts_segments_only_for_sms() -> None:
    person = PersonFactory()
    long_text = "È " + "a" * 100  # UCS-2: 102 units, two parts
    with transaction.atomic():
        do_enqueue(
            [
                spec(person.pk, body=long_text),
                spec(person.pk, channel="email", recipient="x@y.it", body=long_text),
            ]
        )
    segments = dict(OutboxMessage.objects.values_list("channel", "segments"))
    assert segments == {"sms": 2, "email": 0}


def test_enqueue_in_chunks_keeps_times_and_attachments() -> None:
    later = timezone.now() + dt.timedelta(days=2)
    ics = {"filename": "a.ics", "mimetype": "text/calendar", "content_b64": "QkVHSU4="}
    specs = [
        spec(None, step=f"m{i}", send_after=later, not_after=later + dt.timedelta(hours=1))
        for i in range(25)
    ]
    specs.append(spec(None, step="mail", channel="email", attachments=[ics]))
    with transaction.atomic():
        assert do_enqueue(iter(specs)) == 26
    assert OutboxMessage.objects.filter(send_after=later).count() == 25
    assert OutboxMessage.objects.get(step="mail").attachments == [ics]


def test_cancel_touches_only_pending_messages_of_the_topic() -> None:
    person = PersonFactory()
    pending = OutboxMessageFactory(person=person, step="reminder-3d")
    other_step = OutboxMessageFactory(person=person, step="invite")
    sent = OutboxMessageFactory(person=person, step="reminder-1d", sent=True)
    other_topic = OutboxMessageFactory(person=person, topic="campaign:2", step="reminder-3d")
    assert do_cancel("campaign:1", person_id=person.pk, step_prefix="reminder") == 1
    for message in (pending, other_step, sent, other_topic):
        message.refresh_from_db()
    assert pending.status == MessageStatus.CANCELLED
    assert other_step.status == MessageStatus.PENDING
    assert sent.status == MessageStatus.SENT
    assert other_topic.status == MessageStatus.PENDING


def test_reports_are_idempotent_and_only_move_forward() -> None:
    message = OutboxMessageFactory(sent=True, provider_message_id="gw-1")
    at = timezone.now()
    # "delivered" arrives before "sent": the late "sent" is kept but changes nothing.
    assert do_record_report("sms", "gw-1", "delivered", at, {"status": "delivered"})
    assert do_record_report("sms", "gw-1", "sent", at, {"status": "sent"})
    assert not do_record_report("sms", "gw-1", "delivered", at, {"again": True})
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at == at
    assert DeliveryReport.objects.filter(message=message).count() == 2
    # A failure after delivery outranks it (the provider's final word), a read does not undo it.
    assert do_record_report("sms", "gw-1", "failed", at, {})
    assert do_record_report("sms", "gw-1", "read", at, {})
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_report_found_by_reference_before_the_send_is_recorded() -> None:
    message = OutboxMessageFactory(status=MessageStatus.SENDING, attempts=1)
    assert do_record_report("sms", "gw-9", "delivered", None, {}, reference=str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_report_without_reference_waits_for_the_send() -> None:
    message = OutboxMessageFactory(status=MessageStatus.SENDING, attempts=1)
    assert do_record_report("sms", "gw-5", "delivered", None, {})
    report = DeliveryReport.objects.get(provider_message_id="gw-5")
    assert report.message_id is None
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, provider="sms", provider_message_id="gw-5"
    )
    assert attach_waiting_reports("sms", ["gw-5"]) == 1
    message.refresh_from_db()
    report.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and report.message_id == message.pk


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError):
        do_record_report("sms", "x", "bogus", None, {})
