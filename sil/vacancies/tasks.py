"""Periodic vacancy work run by the worker (procrastinate)."""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from sil.vacancies.actions import do_expire_vacancies

logger = logging.getLogger(__name__)


def expire_vacancies_now() -> list[int]:
    return do_expire_vacancies()


# Every night at 01:10 UTC (02:10 or 03:10 in Rome), after the day changed in Rome: vacancies
# whose expiry date has passed leave the job board.
@app.periodic(cron="10 1 * * *")
@app.task(
    name="sil.vacancies.expire",
    queue="maintenance",
    retry=RetryStrategy(max_attempts=5, exponential_wait=60),
    queueing_lock="sil.vacancies.expire",
)
async def expire_vacancies(timestamp: int) -> int:
    expired = await sync_to_async(expire_vacancies_now)()
    logger.info("expire_vacancies: %d vacancies expired", len(expired))
    return len(expired)
