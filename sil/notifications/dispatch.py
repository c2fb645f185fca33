"""The dispatcher: claims due messages, hands them to the transports, records what happened.

One round, per channel:
1. rows whose lease ran out (a worker killed mid-send) go back to pending;
2. due rows are claimed with FOR UPDATE SKIP LOCKED and, in the same statement, either marked
   sending with a lease or, past their time to live, expired (never sent); the claim commits
   before anything is sent, so other processes skip those rows;
3. the batch is sent by a small thread pool (HTTP keeps its connections open); just before
   each transmission its attempt row is committed (state sending), and only as many as there
   are free threads, so every transmission a provider saw has its attempt, even after kill -9;
4. one transaction completes every attempt with the provider's raw answer and moves each row
   to sent, to pending again later (exponential backoff) or to failed.
A message re-sent after a crash carries the same reference (its id): the gateway drops the copy.
At least once: what was in flight when a worker died is sent again, unless a delivery report
acknowledged it meanwhile; its interrupted attempt stays on record next to the new one.

Shared by every process, in ProviderState: a token bucket per provider (global rate limit) and
the health of the primary SMS gateway (failover to the fallback after repeated failures).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sil.notifications.actions import TABLE, attach_waiting_reports
from sil.notifications.models import (
    AttemptState,
    Channel,
    DeliveryAttempt,
    MessageStatus,
    OutboxMessage,
    ProviderState,
)
from sil.notifications.transports import (
    APPIO,
    DEMO,
    EMAIL,
    SMS,
    SMS_FALLBACK,
    OutgoingMessage,
    SendResult,
    Transport,
    TransportError,
    build_transport,
    reference_for,
)

logger = logging.getLogger(__name__)
ATTEMPTS = DeliveryAttempt._meta.db_table

CHANNEL_PROVIDER = {Channel.EMAIL: EMAIL, Channel.SMS: SMS, Channel.APPIO: APPIO}


# --- provider state: rate limit and failover ------------------------------------------
def _rate(provider: str) -> float:
    if provider in (SMS, SMS_FALLBACK):
        return float(settings.SIL_SMS_RATE_PER_S)
    if provider == APPIO:
        return float(settings.SIL_APPIO_RATE_PER_S)
    if provider == EMAIL:
        return float(settings.SIL_EMAIL_RATE_PER_S)
    return 0.0


@contextmanager
def _locked_state(provider: str) -> Iterator[ProviderState]:
    with transaction.atomic():
        ProviderState.objects.get_or_create(name=provider)
        yield ProviderState.objects.select_for_update().get(name=provider)


def acquire_tokens(provider: str, wanted: int, now: dt.datetime | None = None) -> int:
    """Take up to `wanted` send tokens from the provider's bucket (all of them without a limit).

    The bucket holds at most one second's worth of tokens and refills at the configured rate,
    whatever process asks: the limit is global.
    """
    rate = _rate(provider)
    if rate <= 0 or wanted <= 0:
        return wanted
    now = now or timezone.now()
    with _locked_state(provider) as state:
        elapsed = (now - state.refilled_at).total_seconds() if state.refilled_at else 1.0
        available = min(rate, state.tokens + max(0.0, elapsed) * rate)
        granted = min(wanted, int(available))
        state.tokens = available - granted
        state.refilled_at = now
        state.save(update_fields=["tokens", "refilled_at", "updated_at"])
    return granted


def give_back_tokens(provider: str, unused: int) -> None:
    if unused <= 0 or _rate(provider) <= 0:
        return
    with _locked_state(provider) as state:
        state.tokens = min(_rate(provider), state.tokens + unused)
        state.save(update_fields=["tokens", "updated_at"])


def sms_provider(now: dt.datetime | None = None) -> str:
    """The primary gateway, unless it is resting after repeated failures and a fallback exists."""
    if not settings.SIL_SMS_FALLBACK_URL:
        return SMS
    now = now or timezone.now()
    disabled = ProviderState.objects.filter(name=SMS, disabled_until__gt=now).values("pk").exists()
    return SMS_FALLBACK if disabled else SMS


def record_health(provider: str, successes: int, failures: int, now: dt.datetime) -> None:
    """Count consecutive temporary failures; past the threshold the provider rests a while."""
    if not successes and not failures:
        return
    with _locked_state(provider) as state:
        if successes:
            state.consecutive_failures = failures
        else:
            state.consecutive_failures += failures
        if failures and state.consecutive_failures >= settings.SIL_SMS_FAILOVER_AFTER:
            state.disabled_until = now + dt.timedelta(seconds=settings.SIL_SMS_FAILOVER_COOLDOWN_S)
            logger.warning(
                "provider %s: %d consecutive failures, resting until %s",
                provider,
                state.consecutive_failures,
                state.disabled_until,
            )
        elif successes:
            state.disabled_until = None
        state.save(update_fields=["consecutive_failures", "disabled_until", "updated_at"])


# --- claim ----------------------------------------------------------------------------
_RECOVER = f"""
WITH stale AS (
    UPDATE {TABLE} SET status = 'pending', claimed_until = NULL, status_changed_at = %(now)s,
        last_error = 'lease expired: the worker stopped while sending'
    WHERE status = 'sending' AND claimed_until < %(now)s
    RETURNING id
), interrupted AS (
    -- Attempts left in flight by a dead worker: those of the rows above (sent again), and
    -- those whose message a delivery report acknowledged meanwhile (not sent again).
    UPDATE {ATTEMPTS} AS a SET state = 'interrupted',
        response = 'the worker stopped before the provider''s answer was recorded'
    WHERE a.state = 'sending'
      AND (a.message_id IN (SELECT id FROM stale)
           OR (a.at < %(lease_start)s AND NOT EXISTS (
                   SELECT 1 FROM {TABLE} m WHERE m.id = a.message_id AND m.status = 'sending')))
)
SELECT count(*) FROM stale
"""  # noqa: S608 - identifiers are ours, values are parameters

# The attempts and their messages' counts move together: attempts == its attempt rows.
_BEGIN = f"""
WITH counted AS (
    UPDATE {TABLE} SET attempts = attempts + 1 WHERE id = ANY(%(ids)s) RETURNING id, attempts
), begun AS (
    INSERT INTO {ATTEMPTS} (message_id, provider, at, state, reference, ok, permanent, response)
    SELECT c.id, %(provider)s, %(now)s, 'sending', v.reference, false, false, ''
      FROM counted c JOIN unnest(%(ids)s::bigint[], %(refs)s::text[]) AS v(id, reference)
           ON v.id = c.id
    RETURNING id, message_id
)
SELECT b.message_id, b.id, c.attempts FROM begun b JOIN counted c ON c.id = b.message_id
"""  # noqa: S608 - identifiers are ours, values are parameters

_CLAIM = f"""
WITH due AS (
    SELECT id FROM {TABLE}
    WHERE status = 'pending' AND send_after <= %(now)s AND channel = %(channel)s
      AND topic LIKE %(topic)s
    ORDER BY send_after, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE {TABLE} AS m SET
    status = CASE WHEN m.not_after <= %(now)s THEN 'expired' ELSE 'sending' END,
    claimed_until = CASE WHEN m.not_after <= %(now)s THEN NULL ELSE %(lease)s END,
    last_error = CASE WHEN m.not_after <= %(now)s THEN 'expired before sending'
                      ELSE m.last_error END,
    status_changed_at = %(now)s
FROM due WHERE m.id = due.id
RETURNING m.id, m.status, m.channel, m.recipient, m.subject, m.body, m.html_body, m.language,
          m.attachments, m.attempts, m.not_after
"""  # noqa: S608 - identifiers are ours, values are parameters


@dataclass
class Claimed:
    message: OutgoingMessage
    attempts: int  # attempts so far; this one included once begin_attempt has run
    not_after: dt.datetime | None


def recover_expired_leases(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    lease_start = now - dt.timedelta(seconds=settings.SIL_NOTIFICATIONS_LEASE_S)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RECOVER, {"now": now, "lease_start": lease_start})
        return int(cursor.fetchone()[0])


def begin_attempts(provider: str, message_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Record (and, outside a transaction, commit) attempts before their transmission.

    One statement for all; returns {message id: (attempt id, attempts including this one)}.
    """
    params: dict[str, Any] = {
        "ids": message_ids,
        "refs": [reference_for(provider, pk) for pk in message_ids],
        "provider": provider,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_BEGIN, params)
        return {int(pk): (int(aid), int(n)) for pk, aid, n in cursor.fetchall()}


def begin_attempt(provider: str, message_id: int) -> tuple[int, int]:
    """begin_attempts for one message: (attempt id, attempts including this one)."""
    return begin_attempts(provider, [message_id])[message_id]


def claim(
    channel: str, limit: int, *, topic_prefix: str = "", now: dt.datetime | None = None
) -> tuple[list[Claimed], int]:
    """Claim up to `limit` due rows of a channel; return those to send and how many expired."""
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.SIL_NOTIFICATIONS_LEASE_S)
    params: dict[str, Any] = {
        "now": now,
        "channel": channel,
        "limit": limit,
        "lease": lease,
        "topic": _like_prefix(topic_prefix),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM, params)
        rows = cursor.fetchall()
    claimed: list[Claimed] = []
    expired = 0
    for pk, status, chan, recipient, subject, body, html, lang, attach, attempts, not_after in rows:
        if status == MessageStatus.EXPIRED:
            expired += 1
            continue
        if isinstance(attach, str):  # jsonb comes back as text from a raw cursor
            attach = json.loads(attach)
        message = OutgoingMessage(
            pk, chan, recipient, subject, body, html, lang, tuple(attach or ())
        )
        claimed.append(Claimed(message, attempts, not_after))
    claimed.sort(key=lambda c: c.message.id)
    return claimed, expired


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


# --- send and record ------------------------------------------------------------------
@dataclass
class Outcome:
    id: int
    provider: str
    ok: bool
    status: str
    provider_message_id: str = ""
    raw: str = ""
    http_status: int | None = None
    permanent: bool = False
    error: str = ""
    duration_ms: int = 0
    next_at: dt.datetime | None = None
    attempted: bool = True
    attempt_id: int | None = None


def _expired(item: Claimed, provider: str) -> Outcome | None:
    """The outcome of a claimed row whose time to live ran out before its turn, if it did."""
    if item.not_after is not None and item.not_after <= timezone.now():
        return Outcome(
            item.message.id,
            provider,
            False,
            MessageStatus.EXPIRED,
            error="expired before sending",
            attempted=False,
        )
    return None


def backoff(attempts: int) -> float:
    """Seconds before the next try: base * 2^(attempts-1), capped, ±10% so retries spread."""
    base = float(settings.SIL_NOTIFICATIONS_BACKOFF_S)
    delay = min(
        float(settings.SIL_NOTIFICATIONS_BACKOFF_MAX_S), base * float(2 ** max(0, attempts - 1))
    )
    jitter: float = random.uniform(0.9, 1.1)  # noqa: S311 - jitter, not security
    return delay * jitter


def _send_one(transport: Transport, item: Claimed, attempt_id: int | None = None) -> Outcome:
    """Transmit one claimed row (its attempt already recorded as attempt_id)."""
    message = item.message
    started = time.perf_counter()
    try:
        result: SendResult = transport.send(message)
    except Exception as exc:
        if not isinstance(exc, TransportError):
            # A bug in a transport must not lose the batch: retried like a temporary error.
            logger.exception("transport %s failed on message %s", transport.name, message.id)
            exc = TransportError(repr(exc)[:500], permanent=False)
        duration = int((time.perf_counter() - started) * 1000)
        outcome = Outcome(
            message.id,
            transport.name,
            False,
            MessageStatus.FAILED,
            raw=exc.raw,
            http_status=exc.http_status,
            permanent=exc.permanent,
            error=str(exc),
            duration_ms=duration,
            attempt_id=attempt_id,
        )
        if not exc.permanent and item.attempts < settings.SIL_NOTIFICATIONS_MAX_ATTEMPTS:
            next_at = timezone.now() + dt.timedelta(seconds=backoff(item.attempts))
            if item.not_after is not None and next_at >= item.not_after:
                outcome.status = MessageStatus.EXPIRED
            else:
                outcome.status, outcome.next_at = MessageStatus.PENDING, next_at
        return outcome
    duration = int((time.perf_counter() - started) * 1000)
    return Outcome(
        message.id,
        transport.name,
        True,
        result.status,
        provider_message_id=result.provider_message_id,
        raw=result.raw,
        http_status=result.http_status,
        duration_ms=duration,
        attempt_id=attempt_id,
    )


_RECORD = f"""
UPDATE {TABLE} AS m SET
    status = CASE WHEN m.status = 'sending' OR (m.status = 'pending' AND v.ok)
                  THEN v.status ELSE m.status END,
    provider = v.provider,
    provider_message_id = CASE WHEN v.pmid <> '' THEN v.pmid ELSE m.provider_message_id END,
    sent_at = CASE WHEN v.ok THEN COALESCE(m.sent_at, %(now)s) ELSE m.sent_at END,
    delivered_at = CASE WHEN v.status = 'delivered' THEN COALESCE(m.delivered_at, %(now)s)
                        ELSE m.delivered_at END,
    send_after = COALESCE(v.next_at, m.send_after),
    last_error = v.error,
    claimed_until = NULL,
    status_changed_at = %(now)s
FROM unnest(%(id)s::bigint[], %(ok)s::boolean[], %(status)s::text[], %(provider)s::text[],
            %(pmid)s::text[], %(error)s::text[], %(next_at)s::timestamptz[])
     AS v(id, ok, status, provider, pmid, error, next_at)
WHERE m.id = v.id
"""  # noqa: S608 - identifiers are ours, values are parameters


_ANSWER = f"""
UPDATE {ATTEMPTS} AS a SET state = 'answered', ok = v.ok, permanent = v.permanent,
    http_status = v.http, response = v.response, duration_ms = v.ms
FROM unnest(%(id)s::bigint[], %(ok)s::boolean[], %(permanent)s::boolean[], %(http)s::int[],
            %(response)s::text[], %(ms)s::int[]) AS v(id, ok, permanent, http, response, ms)
WHERE a.id = v.id
"""  # noqa: S608 - identifiers are ours, values are parameters


def record(outcomes: list[Outcome]) -> None:
    if not outcomes:
        return
    now = timezone.now()
    params: dict[str, Any] = {
        "now": now,
        "id": [o.id for o in outcomes],
        "ok": [o.ok for o in outcomes],
        "status": [str(o.status) for o in outcomes],
        "provider": [o.provider for o in outcomes],
        "pmid": [o.provider_message_id for o in outcomes],
        "error": [o.error[:1000] for o in outcomes],
        "next_at": [o.next_at for o in outcomes],
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_RECORD, params)
        answered = [
            DeliveryAttempt(
                pk=o.attempt_id,
                message_id=o.id,
                provider=o.provider,
                state=AttemptState.ANSWERED,
                reference=reference_for(o.provider, o.id),
                ok=o.ok,
                permanent=o.permanent,
                http_status=o.http_status,
                response=o.raw or o.error,
                duration_ms=o.duration_ms,
            )
            for o in outcomes
            if o.attempted
        ]
        # Attempts begun before the transmission are completed; any other is written now.
        begun = [a for a in answered if a.pk is not None]
        if begun:
            with connection.cursor() as cursor:
                cursor.execute(
                    _ANSWER,
                    {
                        "id": [a.pk for a in begun],
                        "ok": [a.ok for a in begun],
                        "permanent": [a.permanent for a in begun],
                        "http": [a.http_status for a in begun],
                        "response": [a.response for a in begun],
                        "ms": [a.duration_ms for a in begun],
                    },
                )
        DeliveryAttempt.objects.bulk_create([a for a in answered if a.pk is None])
    by_provider: dict[str, list[str]] = {}
    for o in outcomes:
        if o.ok and o.provider_message_id:
            by_provider.setdefault(o.provider, []).append(o.provider_message_id)
    for provider, ids in by_provider.items():
        attach_waiting_reports(provider, ids)


# --- the loop -------------------------------------------------------------------------
@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    recovered: int = 0
    rounds: int = 0
    by_provider: dict[str, int] = field(default_factory=dict)
    # Wall-clock span of the actual work (first claim that found rows, last batch recorded).
    first_claim_at: float | None = None
    last_record_at: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "expired": self.expired,
            "recovered": self.recovered,
            "rounds": self.rounds,
            "by_provider": dict(self.by_provider),
            "first_claim_at": self.first_claim_at,
            "last_record_at": self.last_record_at,
        }


class Dispatcher:
    """One process's dispatcher: transports and a thread pool kept across rounds."""

    def __init__(self, *, topic_prefix: str = "", batch: int | None = None) -> None:
        self.topic_prefix = topic_prefix
        self.batch = batch or settings.SIL_NOTIFICATIONS_BATCH
        self.threads = max(1, settings.SIL_NOTIFICATIONS_THREADS)
        self.pool = ThreadPoolExecutor(max_workers=self.threads)
        self.transports: dict[str, Transport | None] = {}
        self.stats = DispatchStats()

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        for transport in self.transports.values():
            if transport is not None:
                transport.close()

    def __enter__(self) -> Dispatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transport(self, provider: str) -> Transport | None:
        key = DEMO if settings.SIL_NOTIFICATIONS_DEMO_SINK else provider
        if key not in self.transports:
            self.transports[key] = build_transport(provider)
        return self.transports[key]

    def round(self) -> int:
        """Claim and send one batch per channel; return how many rows were handled."""
        now = timezone.now()
        self.stats.rounds += 1
        self.stats.recovered += recover_expired_leases(now)
        handled = 0
        for channel, provider in CHANNEL_PROVIDER.items():
            if channel == Channel.SMS:
                provider = sms_provider(now)
            transport = self.transport(provider)
            if transport is None:
                continue  # not configured: messages wait (`sil notifications status` says so)
            tokens = acquire_tokens(transport.name, self.batch, now)
            if tokens <= 0:
                continue
            items, expired = claim(channel, tokens, topic_prefix=self.topic_prefix, now=now)
            give_back_tokens(transport.name, tokens - len(items) - expired)
            self.stats.expired += expired
            handled += len(items) + expired
            if items:
                if self.stats.first_claim_at is None:
                    self.stats.first_claim_at = time.time()
                self._send(transport, items, now)
                self.stats.last_record_at = time.time()
        return handled

    def _in_flight(self) -> bool:
        rows = OutboxMessage.objects.filter(status=MessageStatus.SENDING)
        if self.topic_prefix:
            rows = rows.filter(topic__startswith=self.topic_prefix)
        return rows.exists()

    def _send(self, transport: Transport, items: list[Claimed], now: dt.datetime) -> None:
        # An attempt is committed just before its transmission, and only when a thread is free
        # to transmit it at once: a crash leaves no attempt that never left, and no
        # transmission without its attempt.
        free = threading.BoundedSemaphore(self.threads)
        pending: list[Outcome | Future[Outcome]] = []
        queue = list(items)
        while queue:
            free.acquire()
            # Every thread free right now gets one: their attempts in one statement.
            ready = [queue.pop(0)]
            while queue and free.acquire(blocking=False):
                ready.append(queue.pop(0))
            sendable: list[Claimed] = []
            for item in ready:
                expired = _expired(item, transport.name)
                if expired is None:
                    sendable.append(item)
                else:
                    pending.append(expired)
                    free.release()
            handed = 0  # permits now owned by a submitted transmission or given back
            try:
                begun = (
                    begin_attempts(transport.name, [i.message.id for i in sendable])
                    if sendable
                    else {}
                )
                for item in sendable:
                    if item.message.id not in begun:  # the row is gone: nothing to send
                        free.release()
                        handed += 1
                        continue
                    attempt_id, item.attempts = begun[item.message.id]
                    future = self.pool.submit(_send_one, transport, item, attempt_id)
                    handed += 1
                    future.add_done_callback(lambda _done: free.release())
                    pending.append(future)
            except BaseException:
                for _item in sendable[handed:]:
                    free.release()
                raise
        outcomes = [p.result() if isinstance(p, Future) else p for p in pending]
        record(outcomes)
        successes = failures = 0
        for o in outcomes:
            if o.ok:
                successes += 1
                self.stats.sent += 1
                self.stats.by_provider[o.provider] = self.stats.by_provider.get(o.provider, 0) + 1
            elif o.status == MessageStatus.PENDING:
                self.stats.retried += 1
            elif o.status == MessageStatus.EXPIRED:
                self.stats.expired += 1
            else:
                self.stats.failed += 1
            if o.attempted and not o.ok and not o.permanent:
                failures += 1
        if transport.name in (SMS, SMS_FALLBACK):
            record_health(transport.name, successes, failures, now)

    def run(
        self,
        *,
        until_empty: bool = True,
        max_seconds: float | None = None,
        idle_sleep: float = 1.0,
        on_full_batch: Callable[[], None] | None = None,
    ) -> DispatchStats:
        """Rounds until nothing is due (until_empty) or the time is up."""
        deadline = time.monotonic() + max_seconds if max_seconds else None
        while True:
            handled = self.round()
            if handled >= self.batch and on_full_batch is not None:
                on_full_batch()
            if deadline is not None and time.monotonic() >= deadline:
                break
            if not handled:
                if until_empty and not self._in_flight():
                    break
                # Rows another process is sending come back here if its lease runs out.
                time.sleep(min(idle_sleep, 0.2) if until_empty else idle_sleep)
        return self.stats


def dispatch(
    *, until_empty: bool = True, max_seconds: float | None = None, topic_prefix: str = ""
) -> DispatchStats:
    with Dispatcher(topic_prefix=topic_prefix) as dispatcher:
        return dispatcher.run(until_empty=until_empty, max_seconds=max_seconds)
