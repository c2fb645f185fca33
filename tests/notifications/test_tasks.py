"""The on-commit kick queues one dispatch job (queueing lock); a real procrastinate worker runs it
and the messages reach the gateway."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections, transaction
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from sil.notifications.actions import MessageSpec, do_enqueue
from sil.notifications.models import MessageStatus, OutboxMessage
from sil.notifications.tasks import DISPATCH_LOCK, OUTBOX_QUEUE

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker_until_idle() -> None:
    async def work() -> None:
        async with worker_app.open_async():
            await worker_app.run_worker_async(
                queues=[OUTBOX_QUEUE],
                wait=False,
                install_signal_handlers=False,
                listen_notify=False,
            )
        # The worker's database calls ran on asgiref's thread: close what they opened there.
        await sync_to_async(connections.close_all)()

    # A thread of its own: an event loop may already run in this one (Playwright's sync API,
    # when the browser tests ran earlier in the same session).
    failures: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(work())
        except BaseException as exc:  # re-raised in the test's thread
            failures.append(exc)

    with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    if failures:
        raise failures[0]


def enqueue(step: str) -> None:
    with transaction.atomic():
        do_enqueue([MessageSpec(None, "campaign:5", step, "sms", "+393330000000", "Ciao")])


def test_enqueue_kicks_one_dispatch_job_that_a_worker_runs(gateway) -> None:
    # procrastinate's tables are not flushed between tests: a dispatch job another test left
    # waiting would hold the queueing lock. Count only this test's jobs.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE queueing_lock = %s AND status = 'todo'",
            [DISPATCH_LOCK],
        )
    before = list(ProcrastinateJob.objects.values_list("id", flat=True))
    enqueue("invite")
    enqueue("reminder")
    jobs = ProcrastinateJob.objects.filter(task_name="sil.notifications.dispatch").exclude(
        id__in=before
    )
    assert jobs.count() == 1 and jobs.get().queue_name == OUTBOX_QUEUE
    # Rolled back: no message, no extra job.
    with pytest.raises(RuntimeError), transaction.atomic():
        do_enqueue([MessageSpec(None, "campaign:5", "x", "sms", "+39", "x")])
        raise RuntimeError
    assert jobs.count() == 1
    run_worker_until_idle()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len(gateway.accepted_of("sms")) == 2
    assert jobs.get().status == "succeeded"
