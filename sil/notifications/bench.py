"""Dispatch benchmark: N SMS through the local gateway by `workers` OS processes.

    dispatch_benchmark(20_000, workers=2)
    -> {"messages": 20000, "seconds": 31.2, "dispatch_msgs_per_s": 641.0, "workers": 2, …}

Runs on whatever database this process is configured on (the bench cluster, or a test
database): the worker processes get its URL. Messages carry the topic "bench:<run>" and only
those are dispatched; they are deleted at the end unless keep=True. `seconds` runs from the
first claim to the last batch recorded, over all processes (start-up excluded), `wall_seconds` from the
start of the processes to the last message sent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from django.db import connection, transaction

from sil.notifications.actions import MessageSpec, do_enqueue
from sil.notifications.fake_gateway import FakeGateway
from sil.notifications.models import (
    DeliveryAttempt,
    DeliveryReport,
    MessageStatus,
    OutboxMessage,
)


def database_url() -> str:
    """The URL of the database this process uses (test databases included)."""
    db = connection.settings_dict
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return (
        f"postgresql://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SIL_PROCESS": "worker",
        "SIL_NOTIFICATIONS_DEMO_SINK": "0",
        "DJANGO_SETTINGS_MODULE": "sil.settings",
    }
    env.update(extra or {})
    return env


def start_dispatchers(
    workers: int, topic_prefix: str, env: dict[str, str]
) -> list[subprocess.Popen[bytes]]:
    command = [
        sys.executable,
        "-m",
        "sil",
        "notifications",
        "dispatch",
        "--until-empty",
        "--topic",
        topic_prefix,
        "--json",
    ]
    return [
        subprocess.Popen(  # noqa: S603 - our own command
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(workers)
    ]


def _specs(topic: str, messages: int) -> Iterator[MessageSpec]:
    text = (
        "Regione: sei convocato al Centro per l'Impiego il 03/12 alle 09:30. "
        "Per spostare l'appuntamento: 081 1234567."
    )
    for i in range(messages):
        yield MessageSpec(None, topic, f"m{i}", "sms", f"+39333{i:07d}", text)


def dispatch_benchmark(
    messages: int, workers: int = 2, *, keep: bool = False, timeout_s: float = 1800
) -> dict[str, Any]:
    run = uuid.uuid4().hex[:10]
    topic = f"bench:{run}"
    with FakeGateway() as gateway:
        with transaction.atomic():
            do_enqueue(_specs(topic, messages), kick=False)
        env = worker_env(
            {
                "SIL_SMS_GATEWAY_URL": gateway.sms_url,
                "SIL_SMS_FALLBACK_URL": "",
                "SIL_SMS_RATE_PER_S": "0",
            }
        )
        started = time.perf_counter()
        processes = start_dispatchers(workers, topic, env)
        rows = OutboxMessage.objects.filter(topic=topic)
        try:
            while rows.filter(status__in=(MessageStatus.PENDING, MessageStatus.SENDING)).exists():
                if time.perf_counter() - started > timeout_s:
                    raise TimeoutError(f"dispatch benchmark not done after {timeout_s} s")
                if all(p.poll() is not None for p in processes):
                    break
                time.sleep(0.2)
            wall = time.perf_counter() - started
        finally:
            reports = []
            for process in processes:
                try:
                    out, _ = process.communicate(timeout=60)
                    reports.append(json.loads(out.decode().strip().splitlines()[-1]))
                except (subprocess.TimeoutExpired, ValueError, IndexError):
                    process.kill()
        sent = rows.filter(status=MessageStatus.SENT).count()
        starts = [r["first_claim_at"] for r in reports if r.get("first_claim_at")]
        ends = [r["last_record_at"] for r in reports if r.get("last_record_at")]
        accepted = len(gateway.accepted_of("sms"))
        hits = len(gateway.hits)
    seconds = max(ends) - min(starts) if starts and ends else wall
    seconds = max(seconds, 1e-6)
    result = {
        "messages": messages,
        "sent": sent,
        "seconds": round(seconds, 2),
        "wall_seconds": round(wall, 2),
        "dispatch_msgs_per_s": round(sent / seconds, 1),
        "workers": workers,
        "gateway_hits": hits,
        "gateway_accepted": accepted,
    }
    if not keep:
        delete_topic(topic)
    return result


def delete_topic(topic: str) -> None:
    """Remove a benchmark's rows in three statements (no per-row cascade in Python)."""
    table = OutboxMessage._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for child in (DeliveryAttempt._meta.db_table, DeliveryReport._meta.db_table):
            cursor.execute(
                f"DELETE FROM {child} WHERE message_id IN "  # noqa: S608 - our identifiers
                f"(SELECT id FROM {table} WHERE topic = %s)",
                [topic],
            )
        cursor.execute(f"DELETE FROM {table} WHERE topic = %s", [topic])  # noqa: S608
