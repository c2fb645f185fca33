"""Channels behind transports: each sends one message and says whether a failure is permanent.

send(message) returns SendResult(provider_message_id, raw) or raises TransportError(message,
permanent, raw). Permanent errors (a number or fiscal code the provider refuses) end the
message as failed; temporary ones (5xx, timeouts, refused connections) are retried later with
the same reference, which the gateways use to drop duplicates.
"""

from __future__ import annotations

import base64
import contextlib
import json
import smtplib
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from requests.adapters import HTTPAdapter

# Provider names, as stored on messages, attempts, reports and ProviderState.
EMAIL = "email"
SMS = "sms"
SMS_FALLBACK = "sms-fallback"
APPIO = "appio"
DEMO = "demo"
PROVIDERS = (EMAIL, SMS, SMS_FALLBACK, APPIO, DEMO)

RAW_LIMIT = 4000
CONNECT_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class OutgoingMessage:
    """What a transport needs of an outbox row (claimed rows are read once, as tuples)."""

    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    html_body: str = ""
    language: str = "it"
    attachments: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    raw: str
    http_status: int | None = None
    # The demo sink reports delivery at once.
    status: str = "sent"


class TransportError(Exception):
    def __init__(
        self, message: str, *, permanent: bool, raw: str = "", http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.raw = raw[:RAW_LIMIT]
        self.http_status = http_status


class Transport(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> SendResult: ...

    def close(self) -> None: ...


def reference_for(provider: str, message_id: int) -> str:
    """The idempotency key a provider gets for an outbox row, the same on every attempt.

    SMS gateways get the outbox id as `reference` and drop a copy; e-mail gets a Message-ID
    made from it (SMTP servers do not drop copies, but mail clients may show one); App IO's
    API takes no key of ours (see docs/notifications.md).
    """
    if provider == EMAIL:
        return f"<sil-outbox-{message_id}@opensil.invalid>"
    return str(message_id)


# Where sil/urls.py mounts webhook_urls (a test checks it against reverse()).
WEBHOOK_PATH = "/notifiche/webhook/{provider}/"


def callback_url(provider: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + WEBHOOK_PATH.format(provider=provider)


# --- HTTP ------------------------------------------------------------------------------
class _HttpTransport:
    """A pooled requests.Session per thread (a Session is not guaranteed thread-safe)."""

    name = ""

    def __init__(self) -> None:
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=4, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()
        self._local = threading.local()

    def _post(self, url: str, payload: dict[str, Any], headers: dict[str, str]) -> Any:
        timeout = (CONNECT_TIMEOUT_S, float(settings.SIL_NOTIFICATIONS_HTTP_TIMEOUT_S))
        try:
            response = self._session().post(url, json=payload, headers=headers, timeout=timeout)
        except requests.Timeout as exc:
            raise TransportError(f"timeout: {exc}", permanent=False, raw=str(exc)) from exc
        except requests.RequestException as exc:
            raise TransportError(f"connection: {exc}", permanent=False, raw=str(exc)) from exc
        raw = response.text[:RAW_LIMIT]
        status = response.status_code
        if status >= 400:
            # 408 and 429 ask us to come back later; other 4xx will never succeed.
            permanent = 400 <= status < 500 and status not in (408, 429)
            raise TransportError(f"HTTP {status}", permanent=permanent, raw=raw, http_status=status)
        try:
            data = response.json()
        except ValueError:
            data = {}
        return status, raw, data if isinstance(data, dict) else {}


class SmsGatewayTransport(_HttpTransport):
    """An HTTP SMS gateway: JSON POST {to, text, reference, callback_url, sender}."""

    def __init__(self, name: str, url: str, token: str) -> None:
        super().__init__()
        self.name, self.url, self.token = name, url, token

    def send(self, message: OutgoingMessage) -> SendResult:
        payload = {
            "to": message.recipient,
            "text": message.body,
            "sender": settings.SIL_SMS_SENDER,
            # The outbox id: a re-sent message (after a crash or a timeout) is recognised.
            "reference": str(message.id),
            "callback_url": callback_url(self.name),
        }
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        status, raw, data = self._post(self.url, payload, headers)
        return SendResult(str(data.get("id") or data.get("message_id") or ""), raw, status)


class AppIOTransport(_HttpTransport):
    """App IO's public messages API: POST {base}/messages for a fiscal code."""

    name = APPIO

    def __init__(self, url: str, key: str) -> None:
        super().__init__()
        self.url, self.key = url.rstrip("/") + "/messages", key

    def send(self, message: OutgoingMessage) -> SendResult:
        payload = {
            "fiscal_code": message.recipient,
            "content": {"subject": message.subject, "markdown": message.body},
        }
        try:
            status, raw, data = self._post(
                self.url, payload, {"Ocp-Apim-Subscription-Key": self.key}
            )
        except TransportError as exc:
            if exc.http_status == 404:
                exc.args = ("App IO: profilo non trovato o servizio non attivo",)
            raise
        return SendResult(str(data.get("id") or ""), raw, status)


# --- e-mail ----------------------------------------------------------------------------
class EmailTransport:
    """Django's mail backend (SMTP in production and tests), one open connection per thread."""

    name = EMAIL

    def __init__(self) -> None:
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken connection is dropped anyway
                connection.close()

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(Exception):
                    connection.close()
            self._connections.clear()
        self._local = threading.local()

    def send(self, message: OutgoingMessage) -> SendResult:
        # The same Message-ID on every attempt of one message (never a random one).
        message_id = reference_for(EMAIL, message.id)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            headers={
                "Message-ID": message_id,
                "Auto-Submitted": "auto-generated",
                "X-SIL-Reference": str(message.id),
            },
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        for attachment in message.attachments:
            email.attach(
                attachment["filename"],
                base64.b64decode(attachment["content_b64"]),
                attachment.get("mimetype") or "application/octet-stream",
            )
        try:
            email.connection = self._connection()
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop()
            raise TransportError(
                "recipient refused", permanent=True, raw=str(exc.recipients)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise TransportError(
                f"SMTP {exc.smtp_code}", permanent=exc.smtp_code >= 500, raw=str(exc.smtp_error)
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TransportError(f"SMTP: {exc}", permanent=False, raw=str(exc)) from exc
        return SendResult(message_id, "accepted by the mail server")


# --- demo ------------------------------------------------------------------------------
class DemoSinkTransport:
    """Demo without gateways: nothing leaves the machine, the message counts as delivered."""

    name = DEMO

    def send(self, message: OutgoingMessage) -> SendResult:
        raw = json.dumps({"demo": True, "channel": message.channel, "at": time.time()})
        return SendResult(f"demo-{message.id}", raw, status="delivered")

    def close(self) -> None:
        pass


def build_transport(provider: str) -> Transport | None:
    """The transport of a provider as configured now, or None when it is not configured."""
    if settings.SIL_NOTIFICATIONS_DEMO_SINK:
        return DemoSinkTransport()
    if provider == EMAIL:
        return EmailTransport()
    if provider == SMS and settings.SIL_SMS_GATEWAY_URL:
        return SmsGatewayTransport(
            SMS, settings.SIL_SMS_GATEWAY_URL, settings.SIL_SMS_GATEWAY_TOKEN
        )
    if provider == SMS_FALLBACK and settings.SIL_SMS_FALLBACK_URL:
        return SmsGatewayTransport(
            SMS_FALLBACK, settings.SIL_SMS_FALLBACK_URL, settings.SIL_SMS_FALLBACK_TOKEN
        )
    if provider == APPIO and settings.SIL_APPIO_KEY:
        return AppIOTransport(settings.SIL_APPIO_URL, settings.SIL_APPIO_KEY)
    return None
