"""Real parts on loopback: an SMTP server (aiosmtpd) and the fake SMS / App IO gateway."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from sil.notifications.fake_gateway import FakeGateway

SECRET = "webhook-secret-for-tests"


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RefusingInbox(Inbox):
    """A server that refuses every recipient for good (550: no such mailbox)."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        return "550 5.1.1 mailbox unavailable"


def _serve(settings: Any, inbox: Inbox) -> Iterator[Inbox]:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.SIL_NOTIFICATIONS_DEMO_SINK = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """An SMTP server on loopback that accepts everything; Django's mail goes there."""
    yield from _serve(settings, Inbox())


@pytest.fixture
def refusing_smtp(settings: Any) -> Iterator[Inbox]:
    """An SMTP server on loopback that refuses every recipient permanently."""
    yield from _serve(settings, RefusingInbox())


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    """The fake gateway as primary SMS gateway and App IO; no fallback unless a test adds it."""
    with FakeGateway(webhook_secret=SECRET, timeout_s=1.5) as gw:
        settings.SIL_NOTIFICATIONS_DEMO_SINK = False
        settings.SIL_SMS_GATEWAY_URL = gw.sms_url
        settings.SIL_SMS_GATEWAY_TOKEN = "token-1"
        settings.SIL_SMS_FALLBACK_URL = ""
        settings.SIL_APPIO_URL = gw.appio_url
        settings.SIL_APPIO_KEY = "io-key"
        settings.SIL_WEBHOOK_SECRET = SECRET
        settings.SIL_NOTIFICATIONS_BACKOFF_S = 0
        settings.SIL_NOTIFICATIONS_HTTP_TIMEOUT_S = 1
        settings.SIL_NOTIFICATIONS_THREADS = 4
        settings.SIL_SMS_RATE_PER_S = 0
        settings.SITE_URL = "http://127.0.0.1:8000"
        yield gw
