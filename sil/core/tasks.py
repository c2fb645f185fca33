"""Background housekeeping run by the worker (`sil worker`, procrastinate).

Tasks of every app live in its tasks.py: procrastinate's Django integration imports them.
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from asgiref.sync import sync_to_async
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from sil.core.audit import audit_context

logger = logging.getLogger(__name__)

MAINTENANCE_QUEUE = "maintenance"

# A failed purge is retried a few times with growing waits (1, 2, 4, 8 minutes): a database
# restart at night should not skip a day.
PURGE_RETRY = RetryStrategy(max_attempts=5, exponential_wait=60)


def purge_expired_data(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired sessions and old login records; return how many rows went, by kind."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SIL_LOGIN_LOG_RETENTION_DAYS)
    counts: dict[str, int] = {}
    with transaction.atomic(), audit_context(action="purge_expired"):
        if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
            counts["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
        else:  # any other engine: Django's own clearsessions logic, no count
            import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        # Lockout counters older than both the retention and the cool-off are history.
        attempts_cutoff = min(cutoff, now - settings.AXES_COOLOFF_TIME)
        counts["login_attempts"] = AccessAttempt.objects.filter(
            attempt_time__lt=attempts_cutoff
        ).delete()[0]
        counts["login_failures"] = AccessFailureLog.objects.filter(
            attempt_time__lt=cutoff
        ).delete()[0]
        counts["logins"] = LoginLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return counts


# procrastinate reads cron in UTC: 03:15 UTC is 04:15 or 05:15 in Rome, a quiet hour.
@app.periodic(cron="15 3 * * *")
@app.task(
    name="sil.core.purge_expired",
    queue=MAINTENANCE_QUEUE,
    pass_context=True,
    retry=PURGE_RETRY,
    queueing_lock="sil.core.purge_expired",
)
async def purge_expired(context: JobContext, timestamp: int) -> dict[str, int]:
    """Nightly purge: sessions, login records and procrastinate's own finished jobs."""
    counts = await sync_to_async(purge_expired_data)()
    # Finished jobs only; failed ones are kept as long so they can be looked at.
    await context.app.job_manager.delete_old_jobs(
        nb_hours=settings.SIL_JOB_RETENTION_DAYS * 24,
        include_failed=True,
        include_cancelled=True,
        include_aborted=True,
    )
    logger.info("purge_expired: %s", counts)
    return counts
