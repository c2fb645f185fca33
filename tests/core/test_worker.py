"""Background work: the nightly purge, run by a real procrastinate worker on the test database."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from sil.core.tasks import MAINTENANCE_QUEUE, purge_expired, purge_expired_data


def make_session(expires_in: dt.timedelta) -> str:
    store = SessionStore()
    store["marker"] = True
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def make_login_records(age: dt.timedelta, username: str) -> None:
    when = timezone.now() - age
    common = {"username": username, "ip_address": "10.0.0.1", "user_agent": "test"}
    AccessAttempt.objects.create(failures_since_start=1, **common)
    AccessFailureLog.objects.create(**common)
    LoginLog.objects.create(**common)
    # attempt_time is auto_now_add: age the rows afterwards.
    for model in (AccessAttempt, AccessFailureLog, LoginLog):
        model.objects.filter(username=username).update(attempt_time=when)


def run_worker_until_idle() -> None:
    """Run a worker until the queue is empty, as `sil worker` does but in this thread.

    Like `procrastinate worker`, it talks to the database through its own psycopg pool. Under
    async_to_sync the tasks' ORM calls run in this thread, on the test's own connection.
    """

    async def work() -> None:
        async with worker_app.open_async():
            await worker_app.run_worker_async(
                queues=[MAINTENANCE_QUEUE],
                wait=False,
                install_signal_handlers=False,
                listen_notify=False,
            )

    with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
        async_to_sync(work)()


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_purge_and_expired_sessions_disappear(settings):
    settings.SIL_LOGIN_LOG_RETENTION_DAYS = 30
    expired = make_session(-dt.timedelta(minutes=1))
    alive = make_session(dt.timedelta(minutes=30))
    make_login_records(dt.timedelta(days=31), "vecchio")
    make_login_records(dt.timedelta(days=1), "recente")

    job_id = purge_expired.defer(timestamp=int(timezone.now().timestamp()))
    run_worker_until_idle()

    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"
    assert set(Session.objects.values_list("session_key", flat=True)) == {alive}
    assert expired not in set(Session.objects.values_list("session_key", flat=True))
    for model in (AccessAttempt, AccessFailureLog, LoginLog):
        assert set(model.objects.values_list("username", flat=True)) == {"recente"}


@pytest.mark.django_db
def test_purge_counts_what_it_removes(settings):
    settings.SIL_LOGIN_LOG_RETENTION_DAYS = 30
    make_session(-dt.timedelta(seconds=1))
    make_session(dt.timedelta(hours=1))
    make_login_records(dt.timedelta(days=40), "vecchio")
    assert purge_expired_data() == {
        "sessions": 1,
        "login_attempts": 1,
        "login_failures": 1,
        "logins": 1,
    }
    assert purge_expired_data()["sessions"] == 0


@pytest.mark.django_db
def test_recent_lockouts_survive_a_short_retention(settings):
    # Retention shorter than the lockout cool-off must not unlock an account early.
    settings.SIL_LOGIN_LOG_RETENTION_DAYS = 0
    make_login_records(dt.timedelta(minutes=1), "bloccato")
    purge_expired_data()
    assert AccessAttempt.objects.filter(username="bloccato").exists()


def test_purge_is_periodic_nightly_with_retries():
    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic["sil.core.purge_expired"] == "15 3 * * *"
    assert purge_expired.retry_strategy is not None
    assert purge_expired.retry_strategy.max_attempts == 5
    assert purge_expired.queue == MAINTENANCE_QUEUE


@pytest.mark.django_db(transaction=True)
def test_failing_job_is_retried_not_lost():
    # The retry policy reschedules a failed attempt instead of marking the job failed.
    job_id = purge_expired.defer(timestamp=0)
    with connection.cursor() as cursor:  # break the purge: the sessions table is gone
        cursor.execute("ALTER TABLE django_session RENAME TO django_session_away")
    try:
        run_worker_until_idle()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE django_session_away RENAME TO django_session")
    job = ProcrastinateJob.objects.get(id=job_id)
    assert job.status == "todo"
    assert job.attempts == 1
    assert job.scheduled_at > timezone.now()
