"""Periodic DID work run by the worker (procrastinate)."""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from sil.did.actions import do_check_suspension_limit

logger = logging.getLogger(__name__)


def check_suspension_limit_now() -> list[int]:
    return [did.pk for did in do_check_suspension_limit()]


# Every night at 02:30 UTC (03:30 or 04:30 in Rome): DIDs suspended past day 180 lapse.
@app.periodic(cron="30 2 * * *")
@app.task(
    name="sil.did.check_suspension_limit",
    queue="maintenance",
    retry=RetryStrategy(max_attempts=5, exponential_wait=60),
    queueing_lock="sil.did.check_suspension_limit",
)
async def check_suspension_limit(timestamp: int) -> int:
    lapsed = await sync_to_async(check_suspension_limit_now)()
    logger.info("check_suspension_limit: %d DID lapsed", len(lapsed))
    return len(lapsed)
