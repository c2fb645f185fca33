"""Messages of application events go out through a real SMTP server on loopback, once, with
retries while the server is unreachable. A real procrastinate worker runs the jobs."""

from __future__ import annotations

import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from asgiref.sync import async_to_sync
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from sil.applications.actions import do_apply, do_change_state
from sil.applications.models import ApplicationNotification, ApplicationState, NotificationStatus
from sil.applications.notifications import deliver
from sil.applications.tasks import NOTIFICATIONS_QUEUE, SEND_RETRY
from tests.applications.factories import EmployerUserFactory


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def run_worker_until_idle() -> None:
    async def work() -> None:
        async with worker_app.open_async():
            await worker_app.run_worker_async(
                queues=[NOTIFICATIONS_QUEUE],
                wait=False,
                install_signal_handlers=False,
                listen_notify=False,
            )

    with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
        async_to_sync(work)()


def _people(world):
    world["a"].email = "anna@esempio.invalid"
    world["a"].save()
    return EmployerUserFactory(member_of=world["employer"], email="hr@impresa.invalid")


@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_message_once_through_smtp(world, smtp):
    recruiter = _people(world)
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    do_change_state(application, ApplicationState.IN_SELECTION, recruiter)
    run_worker_until_idle()

    assert sorted(m["To"] for m in smtp.messages) == ["anna@esempio.invalid", "hr@impresa.invalid"]
    to_citizen = next(m for m in smtp.messages if m["To"] == "anna@esempio.invalid")
    assert "in selezione" in str(make_header(decode_header(to_citizen["Subject"])))
    notifications = ApplicationNotification.objects.filter(application=application)
    assert set(notifications.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert all(
        n.attempts == 1 and n.provider_response.startswith("accepted") for n in notifications
    )
    jobs = ProcrastinateJob.objects.filter(
        args__notification_id__in=list(notifications.values_list("pk", flat=True))
    )
    assert set(jobs.values_list("status", flat=True)) == {"succeeded"}

    # Delivering again (a duplicated job, a manual retry) sends nothing more.
    for notification in notifications:
        deliver(notification.pk)
    assert len(smtp.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_unreachable_server_is_retried_then_delivered(world, settings, smtp):
    _people(world)
    live_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    run_worker_until_idle()

    notification = ApplicationNotification.objects.get(application=application)
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert (
        "Connection" in notification.provider_response
        or "refused" in notification.provider_response
    )
    job = ProcrastinateJob.objects.get(args__notification_id=notification.pk)
    assert job.status == "todo" and job.attempts == 1 and job.scheduled_at > timezone.now()

    # The server is back; the retry comes due.
    settings.EMAIL_PORT = live_port
    ProcrastinateJob.objects.filter(pk=job.pk).update(scheduled_at=timezone.now())
    run_worker_until_idle()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 2
    assert [m["To"] for m in smtp.messages] == ["hr@impresa.invalid"]


@pytest.mark.django_db
def test_permanent_refusal_is_not_retried(world, settings):
    class Refuse(MessageHandler):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 mailbox unavailable"

        def handle_message(self, message):  # pragma: no cover - never reached
            raise AssertionError

    controller = Controller(Refuse(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        _people(world)
        application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
        notification = deliver(application.notifications.get().pk)
    finally:
        controller.stop()
    assert notification.status == NotificationStatus.FAILED
    assert "550" in notification.provider_response


@pytest.mark.django_db
def test_last_attempt_gives_up(world, settings):
    _people(world)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    notification = deliver(application.notifications.get().pk, final_attempt=True)
    assert notification.status == NotificationStatus.FAILED
    assert SEND_RETRY.max_attempts == 6
