"""Worker processes on the real database: a dispatcher killed with SIGKILL mid-dispatch and
restarted delivers every message exactly once (the gateway drops the copies by reference), and
every transmission the gateway saw has its attempt recorded before it; the benchmark function
runs two processes."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter

import pytest
from django.db import transaction

from sil.notifications.actions import MessageSpec, do_enqueue
from sil.notifications.bench import dispatch_benchmark, start_dispatchers, worker_env
from sil.notifications.fake_gateway import FakeGateway
from sil.notifications.models import AttemptState, DeliveryAttempt, MessageStatus, OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

TOPIC = "kill:1"


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_worker_killed_mid_dispatch_and_restarted_sends_each_message_once() -> None:
    total = 120
    with transaction.atomic():
        do_enqueue(
            (
                MessageSpec(None, TOPIC, f"m{i}", "sms", f"+39333{i:07d}", "Convocazione")
                for i in range(total)
            ),
            kick=False,
        )
    with FakeGateway() as gateway:
        env = worker_env(
            {
                "SIL_SMS_GATEWAY_URL": gateway.sms_url,
                "SIL_SMS_FALLBACK_URL": "",
                "SIL_NOTIFICATIONS_LEASE_S": "2",
                "SIL_NOTIFICATIONS_BATCH": "20",
                "SIL_NOTIFICATIONS_THREADS": "4",
            }
        )
        # The gateway takes 50 messages, then holds its answers: the worker is mid-batch.
        gateway.hold_after(50)
        (first,) = start_dispatchers(1, TOPIC, env)
        wait_for(lambda: len(gateway.accepted_of("sms")) >= 54)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = OutboxMessage.objects.filter(topic=TOPIC, status=MessageStatus.SENDING).count()
        sent_before = OutboxMessage.objects.filter(topic=TOPIC, status=MessageStatus.SENT).count()
        assert in_flight > 0  # killed with claimed rows, some of them already at the gateway
        assert sent_before < 54
        # Every transmission the gateway has seen so far was recorded before it happened,
        # including those the dead worker never heard an answer to; nothing else was.
        attempts = DeliveryAttempt.objects.filter(message__topic=TOPIC)
        assert attempts.count() == len(gateway.hits)
        unanswered = attempts.filter(state=AttemptState.SENDING).count()
        assert 0 < unanswered <= in_flight

        gateway.release()
        (second,) = start_dispatchers(1, TOPIC, env)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err.decode()[-2000:]
        stats = json.loads(out.decode().strip().splitlines()[-1])
        assert stats["recovered"] == in_flight

        hits = gateway.hits_per_reference("sms")
        accepted = gateway.accepted_of("sms")
        rows = list(OutboxMessage.objects.filter(topic=TOPIC))
        # Raw hits include the copies re-sent after the crash; the gateway accepted each once.
        assert sum(hits.values()) > total
        assert gateway.duplicates == sum(hits.values()) - total
        assert len(accepted) == total
        assert sorted(int(a.reference) for a in accepted) == sorted(r.pk for r in rows)
        assert {r.status for r in rows} == {MessageStatus.SENT}
        by_reference = {a.reference: a.id for a in accepted}
        assert all(r.provider_message_id == by_reference[str(r.pk)] for r in rows)
        assert max(r.attempts for r in rows) == 2
        # Gateway raw hits == recorded attempts, message by message, the count showing both
        # tries of a re-sent message, each with the same reference; the dead worker's
        # unanswered attempts are marked interrupted, none is left in flight.
        recorded = Counter(
            DeliveryAttempt.objects.filter(message__topic=TOPIC).values_list(
                "message_id", flat=True
            )
        )
        assert {int(reference): n for reference, n in hits.items()} == dict(recorded)
        assert all(r.attempts == recorded[r.pk] for r in rows)
        references = DeliveryAttempt.objects.filter(message__topic=TOPIC).values_list(
            "message_id", "reference"
        )
        assert all(reference == str(pk) for pk, reference in references)
        states = Counter(
            DeliveryAttempt.objects.filter(message__topic=TOPIC).values_list("state", flat=True)
        )
        assert states == {AttemptState.ANSWERED: total, AttemptState.INTERRUPTED: unanswered}


def test_dispatch_benchmark_with_two_processes() -> None:
    result = dispatch_benchmark(300, workers=2)
    assert result["messages"] == result["sent"] == result["gateway_accepted"] == 300
    assert result["workers"] == 2 and result["dispatch_msgs_per_s"] > 0
    assert not OutboxMessage.objects.filter(topic__startswith="bench:").exists()
