"""Keeping candidate profiles current: one job per changed person, and a nightly safety net."""

from __future__ import annotations

import datetime as dt
import logging

from asgiref.sync import sync_to_async
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from sil.matching.profiles import changed_since, refresh_profiles

logger = logging.getLogger(__name__)
QUEUE = "matching"


@app.task(
    name="sil.matching.refresh_profile",
    queue=QUEUE,
    retry=RetryStrategy(max_attempts=5, exponential_wait=10),
)
async def refresh_profile(person_id: int) -> int:
    return await sync_to_async(refresh_profiles)([person_id])


def refresh_recent_now(hours: int = 26) -> int:
    return refresh_profiles(changed_since(timezone.now() - dt.timedelta(hours=hours)))


# Every night: whatever a bulk load wrote without signals is picked up within a day.
@app.periodic(cron="45 1 * * *")
@app.task(
    name="sil.matching.refresh_recent_profiles",
    queue="maintenance",
    retry=RetryStrategy(max_attempts=3, exponential_wait=60),
    queueing_lock="sil.matching.refresh_recent_profiles",
)
async def refresh_recent_profiles(timestamp: int) -> int:
    count = await sync_to_async(refresh_recent_now)()
    logger.info("refresh_recent_profiles: %d profiles", count)
    return count
