"""Writes of the outbox: enqueue (in the caller's transaction), cancel, delivery reports.

    with transaction.atomic():
        convocation = ...                      # the change that causes the message
        do_enqueue([MessageSpec(person.pk, f"campaign:{c.pk}", "invite", "sms", phone, text)])

A message is identified by (person, topic, step, channel): enqueueing it again is a no-op, so
a re-run campaign step never sends twice. Statuses only move forward (models.RANK).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sil.notifications.models import (
    RANK,
    Channel,
    DeliveryReport,
    MessageStatus,
    OutboxMessage,
)
from sil.notifications.sms import sms_segments

logger = logging.getLogger(__name__)

CHUNK = 10_000
TABLE = OutboxMessage._meta.db_table


@dataclass
class MessageSpec:
    person_id: int | None
    topic: str
    step: str
    channel: str
    recipient: str
    body: str
    subject: str = ""
    html_body: str = ""
    language: str = "it"
    send_after: dt.datetime | None = None  # None: now
    # Time to live: never sent after this moment (e.g. the appointment it reminds of).
    not_after: dt.datetime | None = None
    # Each {filename, mimetype, content_b64}: e-mail only (an .ics invitation).
    attachments: Sequence[dict[str, str]] = field(default_factory=tuple)
    kind: str = ""  # a registered MessageKind's name (notifications.messages.compose)


def rank_sql(column: str) -> str:
    """SQL giving the forward-only rank of a status column (models.RANK)."""
    cases = " ".join(f"WHEN '{status}' THEN {rank}" for status, rank in RANK.items())
    return f"(CASE {column} {cases} ELSE 0 END)"


_INSERT = f"""
INSERT INTO {TABLE} (
    person_id, topic, step, kind, channel, recipient, language, subject, body, html_body,
    attachments, segments, status, send_after, not_after, attempts, provider,
    provider_message_id, last_error, created_at, status_changed_at
)
SELECT v.person_id, v.topic, v.step, v.kind, v.channel, v.recipient, v.language, v.subject, v.body,
       v.html_body, v.attachments::jsonb, v.segments, 'pending', v.send_after, v.not_after, 0,
       '', '', '', %(now)s, %(now)s
FROM unnest(
    %(person_id)s::bigint[], %(topic)s::text[], %(step)s::text[], %(kind)s::text[],
    %(channel)s::text[],
    %(recipient)s::text[], %(language)s::text[], %(subject)s::text[], %(body)s::text[],
    %(html_body)s::text[], %(attachments)s::text[], %(segments)s::int[],
    %(send_after)s::timestamptz[], %(not_after)s::timestamptz[]
) AS v(person_id, topic, step, kind, channel, recipient, language, subject, body, html_body,
       attachments, segments, send_after, not_after)
ON CONFLICT ON CONSTRAINT outbox_business_key DO NOTHING
"""  # noqa: S608 - identifiers are ours, values are parameters

_COLUMNS = (
    "person_id",
    "topic",
    "step",
    "kind",
    "channel",
    "recipient",
    "language",
    "subject",
    "body",
    "html_body",
    "attachments",
    "segments",
    "send_after",
    "not_after",
)


def _columns(specs: Sequence[MessageSpec], now: dt.datetime) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    channels = set(Channel.values)
    for spec in specs:
        if spec.channel not in channels:
            raise ValueError(f"unknown channel {spec.channel!r}")
        columns["person_id"].append(spec.person_id)
        columns["topic"].append(spec.topic)
        columns["step"].append(spec.step)
        columns["kind"].append(spec.kind)
        columns["channel"].append(spec.channel)
        columns["recipient"].append(spec.recipient)
        columns["language"].append(spec.language)
        columns["subject"].append(spec.subject)
        columns["body"].append(spec.body)
        columns["html_body"].append(spec.html_body)
        columns["attachments"].append(
            json.dumps(list(spec.attachments)) if spec.attachments else "[]"
        )
        columns["segments"].append(sms_segments(spec.body) if spec.channel == Channel.SMS else 0)
        columns["send_after"].append(spec.send_after or now)
        columns["not_after"].append(spec.not_after)
    return columns


def do_enqueue(specs: Iterable[MessageSpec], *, kick: bool = True) -> int:
    """Add messages to the outbox inside the caller's transaction; return how many were new.

    Messages already there under the same business key are left alone. On commit the
    dispatcher is woken up (the periodic run picks up messages due later).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("do_enqueue must run inside the transaction of the change it follows")
    now = timezone.now()
    created = 0
    chunk: list[MessageSpec] = []
    due_now = False

    def flush() -> int:
        columns = _columns(chunk, now)
        with connection.cursor() as cursor:
            cursor.execute(_INSERT, {"now": now, **columns})
            return int(cursor.rowcount)

    for spec in specs:
        chunk.append(spec)
        due_now = due_now or spec.send_after is None or spec.send_after <= now
        if len(chunk) >= CHUNK:
            created += flush()
            chunk = []
    if chunk:
        created += flush()
    if created and kick and due_now:
        transaction.on_commit(kick_dispatcher)
    return created


def kick_dispatcher() -> None:
    """Ask a worker to dispatch now (at most one such request waits in the queue)."""
    from sil.notifications.tasks import defer_dispatch

    defer_dispatch()


def do_cancel(topic: str, *, person_id: int | None = None, step_prefix: str | None = None) -> int:
    """Cancel the messages of a topic not yet handed to a provider; return how many."""
    messages = OutboxMessage.objects.filter(topic=topic, status=MessageStatus.PENDING)
    if person_id is not None:
        messages = messages.filter(person_id=person_id)
    if step_prefix:
        messages = messages.filter(step__startswith=step_prefix)
    with transaction.atomic():
        return messages.update(
            status=MessageStatus.CANCELLED,
            status_changed_at=timezone.now(),
            last_error="cancelled",
        )


# Words providers use for the same outcome, mapped onto ours.
REPORT_STATUSES: dict[str, str] = {
    "sent": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "enroute": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "delivrd": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
    "undeliv": MessageStatus.FAILED,
    "rejected": MessageStatus.FAILED,
    "rejectd": MessageStatus.FAILED,
    "expired": MessageStatus.FAILED,
}


def normalise_report_status(value: str) -> str | None:
    return REPORT_STATUSES.get(value.strip().lower())


_APPLY = f"""
UPDATE {TABLE} SET
    status = %(status)s,
    status_changed_at = %(now)s,
    delivered_at = CASE WHEN %(status)s IN ('delivered', 'read')
                        THEN COALESCE(delivered_at, %(at)s) ELSE delivered_at END,
    sent_at = COALESCE(sent_at, CASE WHEN %(status)s IN ('sent', 'delivered', 'read')
                                     THEN %(at)s END),
    claimed_until = NULL
WHERE id = %(id)s AND {rank_sql("status")} < %(rank)s
"""  # noqa: S608 - identifiers are ours, values are parameters


def _apply_status(message_id: int, status: str, at: dt.datetime) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            _APPLY,
            {"id": message_id, "status": status, "rank": RANK[status], "at": at, "now": at},
        )
        return bool(cursor.rowcount)


def do_record_report(
    provider: str,
    provider_message_id: str,
    status: str,
    occurred_at: dt.datetime | None,
    raw: dict[str, Any],
    *,
    reference: str | int | None = None,
) -> bool:
    """Store a delivery report once and move its message forward; True if the report was new.

    Reports may come in any order and more than once: a repeated one changes nothing, a late
    "sent" after "delivered" is kept but leaves the message delivered. A report may come before
    the worker has recorded the provider's id: `reference` (our outbox id) finds the message,
    or the report waits unattached until the send is recorded (attach_waiting_reports).
    """
    if status not in RANK:
        raise ValueError(f"unknown status {status!r}")
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        message_id = None
        if reference is not None and str(reference).isdigit():
            # Our own outbox id, echoed by the gateway in a signed report.
            message_id = (
                OutboxMessage.objects.filter(pk=int(reference)).values_list("pk", flat=True).first()
            )
        if message_id is None and provider_message_id:
            message_id = (
                OutboxMessage.objects.filter(
                    provider=provider, provider_message_id=provider_message_id
                )
                .values_list("pk", flat=True)
                .first()
            )
        _report, created = DeliveryReport.objects.get_or_create(
            provider=provider,
            provider_message_id=provider_message_id or f"ref:{reference}",
            status=status,
            defaults={"message_id": message_id, "occurred_at": occurred_at, "raw": raw},
        )
        if not created:
            return False
        if message_id is not None:
            _apply_status(message_id, status, occurred_at)
    return True


def attach_waiting_reports(provider: str, provider_message_ids: Sequence[str]) -> int:
    """Apply reports that arrived before their message's send was recorded."""
    if not provider_message_ids:
        return 0
    waiting = list(
        DeliveryReport.objects.filter(
            provider=provider, provider_message_id__in=provider_message_ids, message=None
        )
    )
    if not waiting:
        return 0
    ids = dict(
        OutboxMessage.objects.filter(
            provider=provider, provider_message_id__in=[r.provider_message_id for r in waiting]
        ).values_list("provider_message_id", "pk")
    )
    applied = 0
    with transaction.atomic():
        for report in waiting:
            message_id = ids.get(report.provider_message_id)
            if message_id is None:
                continue
            DeliveryReport.objects.filter(pk=report.pk).update(message_id=message_id)
            _apply_status(message_id, report.status, report.occurred_at or timezone.now())
            applied += 1
    return applied
