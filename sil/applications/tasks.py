"""Sending the messages of application events (procrastinate, queue "notifications")."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from sil.applications.notifications import deliver

NOTIFICATIONS_QUEUE = "notifications"
# procrastinate waits exponential_wait ** (attempts + 1) seconds: 5 s, 25 s, 2 min, 10 min,
# 52 min, 4.3 h. A mail server down for an afternoon still gets the message out.
SEND_RETRY = RetryStrategy(max_attempts=6, exponential_wait=5)


def send_now(notification_id: int, previous_attempts: int) -> str:
    # The strategy stops retrying once a job has failed max_attempts times before this run.
    final = previous_attempts >= (SEND_RETRY.max_attempts or 0)
    notification = deliver(notification_id, final_attempt=final)
    return str(notification.status) if notification is not None else "gone"


@app.task(
    name="sil.applications.send_notification",
    queue=NOTIFICATIONS_QUEUE,
    pass_context=True,
    retry=SEND_RETRY,
)
async def send_notification(context: JobContext, notification_id: int) -> str:
    previous = context.job.attempts if context.job is not None else 0
    return await sync_to_async(send_now)(notification_id, previous)
