"""The dispatcher against real parts on loopback: the fake SMS gateway / App IO and an SMTP
server. Failures, timeouts, failover, time to live, rate limit."""

from __future__ import annotations

import base64
import datetime as dt
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from sil.notifications.actions import MessageSpec, do_enqueue, do_record_report
from sil.notifications.dispatch import Dispatcher, acquire_tokens, begin_attempt, dispatch
from sil.notifications.models import (
    AttemptState,
    DeliveryAttempt,
    MessageStatus,
    OutboxMessage,
    ProviderState,
)
from sil.notifications.transports import SMS, SMS_FALLBACK
from tests.notifications.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


def sms(n: int, topic: str = "campaign:1", **kwargs: Any) -> list[OutboxMessage]:
    return [OutboxMessageFactory(person=None, topic=topic, **kwargs) for _ in range(n)]


def statuses() -> dict[str, int]:
    rows = OutboxMessage.objects.values_list("status", flat=True)
    out: dict[str, int] = {}
    for status in rows:
        out[status] = out.get(status, 0) + 1
    return out


def test_sms_sent_once_with_reference_and_attempt_kept(gateway) -> None:
    messages = sms(5)
    stats = dispatch()
    assert stats.sent == 5
    assert statuses() == {"sent": 5}
    accepted = gateway.accepted_of("sms")
    assert sorted(int(a.reference) for a in accepted) == sorted(m.pk for m in messages)
    first = accepted[0]
    assert first.payload["callback_url"].endswith("/notifiche/webhook/sms/")
    assert first.to == "+393331234567"
    message = OutboxMessage.objects.get(pk=int(first.reference))
    assert message.provider == SMS and message.provider_message_id == first.id
    assert message.attempts == 1 and message.sent_at is not None
    attempt = DeliveryAttempt.objects.get(message=message)
    assert attempt.ok and attempt.http_status == 200 and '"accepted"' in attempt.response
    # Nothing is due any more: a second run sends nothing.
    assert dispatch().sent == 0
    assert len(gateway.hits) == 5


def test_server_errors_are_retried_with_backoff(gateway, settings) -> None:
    settings.SIL_NOTIFICATIONS_BACKOFF_S = 60
    (message,) = sms(1)
    gateway.fail_next("sms", 1)
    before = timezone.now()
    stats = dispatch()
    assert stats.retried == 1 and stats.sent == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    # 60 s ± 10% later, not before.
    assert before + dt.timedelta(seconds=53) < message.send_after
    assert message.send_after < before + dt.timedelta(seconds=70)
    assert "HTTP 503" in message.last_error
    OutboxMessage.objects.filter(pk=message.pk).update(send_after=timezone.now())
    assert dispatch().sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert list(
        DeliveryAttempt.objects.filter(message=message)
        .order_by("at")
        .values_list("ok", "http_status")
    ) == [(False, 503), (True, 200)]


def test_backoff_doubles(settings) -> None:
    from sil.notifications.dispatch import backoff

    settings.SIL_NOTIFICATIONS_BACKOFF_S = 10
    settings.SIL_NOTIFICATIONS_BACKOFF_MAX_S = 50
    assert 9 <= backoff(1) <= 11
    assert 36 <= backoff(3) <= 44
    assert backoff(10) <= 55


def test_rejection_is_permanent(gateway) -> None:
    (message,) = sms(1)
    gateway.set_mode("sms", "reject")
    assert dispatch().failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    attempt = DeliveryAttempt.objects.get(message=message)
    assert (
        attempt.permanent and attempt.http_status == 400 and "invalid recipient" in attempt.response
    )


def test_out_of_attempts_is_failed(gateway, settings) -> None:
    settings.SIL_NOTIFICATIONS_MAX_ATTEMPTS = 2
    (message,) = sms(1)
    gateway.set_mode("sms", "fail")
    dispatch()
    dispatch()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 2


def test_timeout_is_retried_and_the_gateway_drops_the_copy(gateway) -> None:
    (message,) = sms(1)
    gateway.set_mode("sms", "timeout")  # accepts, answers after 1.5 s; we wait 1 s
    with Dispatcher() as dispatcher:
        dispatcher.round()
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and "timeout" in message.last_error
    gateway.set_mode("sms", "ok")
    dispatch()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert gateway.hits_per_reference("sms")[str(message.pk)] == 2
    assert len(gateway.accepted_of("sms")) == 1 and gateway.duplicates == 1


def test_failover_to_the_second_gateway_and_back(gateway, settings) -> None:
    settings.SIL_SMS_FALLBACK_URL = gateway.fallback_url
    settings.SIL_SMS_FAILOVER_AFTER = 3
    settings.SIL_SMS_FAILOVER_COOLDOWN_S = 300
    settings.SIL_NOTIFICATIONS_BATCH = 3
    sms(6)
    gateway.set_mode("sms", "fail")
    with Dispatcher() as dispatcher:
        dispatcher.round()  # three failures on the primary: it rests
        state = ProviderState.objects.get(name=SMS)
        assert state.consecutive_failures == 3 and state.disabled_until > timezone.now()
        dispatcher.round()
        dispatcher.round()
    assert statuses() == {"sent": 6}
    providers = set(OutboxMessage.objects.values_list("provider", flat=True))
    assert providers == {SMS_FALLBACK}
    assert len(gateway.accepted_of("sms2")) == 6 and not gateway.accepted_of("sms")
    # After the cool-down the primary is tried again and, working, takes over.
    ProviderState.objects.filter(name=SMS).update(disabled_until=timezone.now())
    gateway.set_mode("sms", "ok")
    sms(2, topic="campaign:2")
    dispatch()
    assert OutboxMessage.objects.filter(topic="campaign:2", provider=SMS).count() == 2
    assert ProviderState.objects.get(name=SMS).consecutive_failures == 0


def test_reminder_past_its_appointment_is_never_sent(gateway) -> None:
    now = timezone.now()
    with transaction.atomic():
        do_enqueue(
            [
                MessageSpec(
                    None,
                    "appointment:1",
                    "reminder-1d",
                    "sms",
                    "+39333",
                    "Domani alle 9",
                    send_after=now - dt.timedelta(days=2),
                    not_after=now - dt.timedelta(hours=1),
                ),
                MessageSpec(
                    None,
                    "appointment:2",
                    "reminder-1d",
                    "sms",
                    "+39333",
                    "Domani alle 10",
                    send_after=now - dt.timedelta(minutes=1),
                    not_after=now + dt.timedelta(days=1),
                ),
            ]
        )
    stats = dispatch()
    assert stats.expired == 1 and stats.sent == 1
    expired = OutboxMessage.objects.get(topic="appointment:1")
    assert expired.status == MessageStatus.EXPIRED and expired.attempts == 0
    assert not DeliveryAttempt.objects.filter(message=expired).exists()
    assert [a.reference for a in gateway.accepted_of("sms")] == [
        str(OutboxMessage.objects.get(topic="appointment:2").pk)
    ]


def test_retry_that_would_come_after_the_ttl_expires(gateway, settings) -> None:
    settings.SIL_NOTIFICATIONS_BACKOFF_S = 3600
    (message,) = sms(1, not_after=timezone.now() + dt.timedelta(minutes=5))
    gateway.set_mode("sms", "fail")
    assert dispatch().expired == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.EXPIRED


def test_rate_limit_is_a_shared_token_bucket(gateway, settings) -> None:
    settings.SIL_SMS_RATE_PER_S = 10
    now = timezone.now()
    assert acquire_tokens(SMS, 50, now) == 10  # a full bucket holds one second
    assert acquire_tokens(SMS, 50, now) == 0
    assert acquire_tokens(SMS, 50, now + dt.timedelta(milliseconds=500)) == 5
    sms(25)
    ProviderState.objects.filter(name=SMS).update(tokens=0, refilled_at=timezone.now())
    with Dispatcher() as dispatcher:
        dispatcher.round()
    assert statuses().get("sent", 0) <= 10


def test_appio_unknown_profile_is_permanent(gateway) -> None:
    ok = OutboxMessageFactory(
        person=None, channel="appio", recipient="RSSMRA80A01F839X", subject="Convocazione CPI"
    )
    gone = OutboxMessageFactory(
        person=None, channel="appio", recipient="VRDLGI70A01F839Y", subject="Convocazione CPI"
    )
    gateway.unknown_fiscal_codes.add("VRDLGI70A01F839Y")
    dispatch()
    ok.refresh_from_db()
    gone.refresh_from_db()
    assert ok.status == MessageStatus.SENT and ok.provider_message_id.startswith("appio-")
    assert gone.status == MessageStatus.FAILED and "App IO" in gone.last_error
    (received,) = gateway.accepted_of("appio")
    assert received.payload["content"]["subject"] == "Convocazione CPI"


def test_email_through_smtp_with_ics_attachment(gateway, smtp) -> None:
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    with transaction.atomic():
        do_enqueue(
            [
                MessageSpec(
                    None,
                    "campaign:3",
                    "invite",
                    "email",
                    "anna@esempio.invalid",
                    "Sei convocata il 3 dicembre.",
                    subject="Convocazione al Centro per l'Impiego",
                    html_body="<p>Sei convocata il 3 dicembre.</p>",
                    attachments=[
                        {
                            "filename": "appuntamento.ics",
                            "mimetype": "text/calendar",
                            "content_b64": base64.b64encode(ics).decode(),
                        }
                    ],
                )
            ]
        )
    assert dispatch().sent == 1
    (received,) = smtp.messages
    assert received["To"] == "anna@esempio.invalid"
    assert "Convocazione" in str(make_header(decode_header(received["Subject"])))
    message = OutboxMessage.objects.get()
    assert received["X-SIL-Reference"] == str(message.pk)
    assert message.provider_message_id == received["Message-ID"]
    assert b"BEGIN:VCALENDAR" in received.as_bytes()


def test_email_server_down_is_retried(gateway, settings) -> None:
    from tests.notifications.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.SIL_NOTIFICATIONS_BACKOFF_S = 60
    message = OutboxMessageFactory(person=None, email=True)
    assert dispatch().retried == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and "SMTP" in message.last_error


def test_demo_sink_delivers_without_sending(settings) -> None:
    settings.SIL_NOTIFICATIONS_DEMO_SINK = True
    settings.SIL_SMS_GATEWAY_URL = ""
    sms(2)
    assert dispatch().sent == 2
    assert statuses() == {"delivered": 2}


def test_unconfigured_channel_waits(settings) -> None:
    settings.SIL_NOTIFICATIONS_DEMO_SINK = False
    settings.SIL_SMS_GATEWAY_URL = ""
    sms(1)
    assert dispatch().sent == 0
    assert statuses() == {"pending": 1}


def test_lease_of_a_dead_worker_is_recovered(gateway) -> None:
    (message,) = sms(1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        attempts=1,
        claimed_until=timezone.now() - dt.timedelta(seconds=1),
    )
    stats = dispatch()
    assert stats.recovered == 1 and stats.sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2


def test_topic_prefix_limits_what_is_sent(gateway) -> None:
    sms(2, topic="bench:1")
    sms(1, topic="campaign:9")
    assert dispatch(topic_prefix="bench:").sent == 2
    assert OutboxMessage.objects.get(topic="campaign:9").status == MessageStatus.PENDING


def _dead_worker_left(message: OutboxMessage) -> DeliveryAttempt:
    """What a worker killed mid-transmission leaves: the row claimed, its lease run out, its
    attempt begun (committed before the transmission) and no answer recorded."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    attempt_id, attempts = begin_attempt(SMS, message.pk)
    assert attempts == 1
    DeliveryAttempt.objects.filter(pk=attempt_id).update(at=timezone.now() - dt.timedelta(hours=1))
    return DeliveryAttempt.objects.get(pk=attempt_id)


def test_unanswered_attempt_is_kept_and_the_message_resent_with_the_same_reference(
    gateway,
) -> None:
    (message,) = sms(1)
    _dead_worker_left(message)

    stats = dispatch()

    assert stats.recovered == 1 and stats.sent == 1
    message.refresh_from_db()
    attempts = list(message.delivery_attempts.order_by("id"))
    assert [a.state for a in attempts] == [AttemptState.INTERRUPTED, AttemptState.ANSWERED]
    assert [a.reference for a in attempts] == [str(message.pk)] * 2
    assert message.attempts == 2 and message.status == MessageStatus.SENT
    assert [a.reference for a in gateway.accepted_of("sms")] == [str(message.pk)]


def test_a_message_acknowledged_by_a_report_is_not_sent_again(gateway) -> None:
    (message,) = sms(1)
    attempt = _dead_worker_left(message)
    # The provider took it and said so before the dead worker could record the answer.
    do_record_report(SMS, "gw-77", "delivered", None, {}, reference=message.pk)

    stats = dispatch()

    assert stats.recovered == 0 and stats.sent == 0
    assert gateway.hits == []
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.INTERRUPTED
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_every_attempt_is_committed_before_it_leaves(gateway, settings) -> None:
    """Seen from the sending thread's own connection, the attempt is already committed."""
    from sil.notifications import dispatch as dispatch_module

    seen: list[tuple[str, str]] = []
    original = dispatch_module._send_one

    def spying(transport: Any, item: Any, attempt_id: int | None = None) -> Any:
        row = DeliveryAttempt.objects.filter(pk=attempt_id).values_list("state", "reference")
        seen.extend(row)
        return original(transport, item, attempt_id)

    messages = sms(3)
    dispatch_module._send_one = spying
    try:
        assert dispatch().sent == 3
    finally:
        dispatch_module._send_one = original
    assert sorted(seen) == sorted((AttemptState.SENDING, str(m.pk)) for m in messages)
