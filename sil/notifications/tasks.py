"""The outbox dispatcher as worker jobs (procrastinate, queue "outbox").

A job dispatches for at most SIL_NOTIFICATIONS_RUN_S seconds, then hands over so that other
queues get their turn. While it finds full batches it asks for one more job: an idle worker
takes it, so two `sil worker` processes dispatch side by side. The queueing lock keeps at most
one such request waiting. A periodic job each minute catches messages that came due later
(reminders, retries after backoff).
"""

from __future__ import annotations

import contextlib
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from sil.notifications.dispatch import Dispatcher

logger = logging.getLogger(__name__)

OUTBOX_QUEUE = "outbox"
DISPATCH_LOCK = "sil.notifications.dispatch"


def defer_dispatch() -> None:
    """Request a dispatch job now, unless one is already waiting."""
    with contextlib.suppress(AlreadyEnqueued):
        dispatch_outbox.configure(queueing_lock=DISPATCH_LOCK).defer()


def run_dispatch_job() -> dict[str, object]:
    with Dispatcher() as dispatcher:
        stats = dispatcher.run(
            until_empty=True,
            max_seconds=settings.SIL_NOTIFICATIONS_RUN_S,
            on_full_batch=defer_dispatch,
        )
    if stats.sent or stats.failed or stats.retried:
        logger.info("outbox dispatch: %s", stats.as_dict())
    return stats.as_dict()


@app.task(name="sil.notifications.dispatch", queue=OUTBOX_QUEUE)
async def dispatch_outbox() -> dict[str, object]:
    return await sync_to_async(run_dispatch_job)()


@app.periodic(cron="* * * * *", periodic_id="sil.notifications.dispatch_minutely")
@app.task(
    name="sil.notifications.dispatch_periodic",
    queue=OUTBOX_QUEUE,
    queueing_lock="sil.notifications.dispatch_periodic",
)
async def dispatch_periodic(timestamp: int) -> dict[str, object]:
    return await sync_to_async(run_dispatch_job)()
