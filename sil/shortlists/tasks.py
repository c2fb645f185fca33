"""Work run by the worker (procrastinate): delivery of the shortlist e-mails."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from sil.shortlists.notifications import deliver

NOTIFICATIONS_QUEUE = "notifications"


# Transient SMTP failures raise: retried up to 8 times, waits doubling from 30 s (about 2 h).
@app.task(
    name="sil.shortlists.send_message",
    queue=NOTIFICATIONS_QUEUE,
    retry=RetryStrategy(max_attempts=8, exponential_wait=30),
)
async def send_message(message_id: int) -> str:
    return await sync_to_async(deliver)(message_id)
