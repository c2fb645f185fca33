"""Messages sent on application events: one class per message, with its templates.

`write_notifications(event)` runs inside the action's transaction: it stores one row per message
that applies (unique per event and kind, so nothing is sent twice) and defers the sending task
in the same transaction, so the job exists exactly when the change is committed. The task
(sil/applications/tasks.py) sends through Django's mail backend with retries; `deliver` says
whether an error is permanent.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from sil.applications.models import (
    Actor,
    Application,
    ApplicationEvent,
    ApplicationNotification,
    ApplicationState,
    NotificationStatus,
)

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)


def _absolute(url_name: str, *args: Any) -> str:
    try:
        return settings.SITE_URL.rstrip("/") + reverse(url_name, args=args)
    except NoReverseMatch:
        return settings.SITE_URL.rstrip("/") + "/"


def employer_recipients(application: Application) -> list[str]:
    """Who reads applications for the firm: the vacancy's application address, else the firm's
    users, else the firm's own address."""
    vacancy = application.vacancy
    if vacancy is not None and vacancy.apply_email:
        return [vacancy.apply_email]
    users = sorted(
        {
            email
            for email in application.employer.memberships.filter(user__is_active=True).values_list(
                "user__email", flat=True
            )
            if email
        }
    )
    if users:
        return users
    return [application.employer.email] if application.employer.email else []


def citizen_recipients(application: Application) -> list[str]:
    return [application.person.email] if application.person.email else []


@dataclass(frozen=True)
class Message:
    """A kind of message: when it applies, to whom, and its templates
    (applications/emails/<kind>_subject.txt and <kind>_body.txt)."""

    kind: str
    applies: Callable[[ApplicationEvent], bool]
    recipients: Callable[[Application], list[str]]
    link: Callable[[Application], str]

    def render(self, application: Application, event: ApplicationEvent) -> tuple[str, str]:
        context = {
            "application": application,
            "event": event,
            "person": application.person,
            "vacancy": application.vacancy,
            "employer": application.employer,
            "link": self.link(application),
            "region": settings.SIL_REGION_NAME,
        }
        # Messages go out in the service language; the catalogue gives English when chosen.
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string(f"applications/emails/{self.kind}_subject.txt", context)
            body = render_to_string(f"applications/emails/{self.kind}_body.txt", context)
        return " ".join(subject.split())[:200], body.strip() + "\n"


MESSAGES: tuple[Message, ...] = (
    Message(
        "new_application",
        applies=lambda event: event.state_before == "",
        recipients=employer_recipients,
        link=lambda application: _absolute("employer_shortlists:home"),
    ),
    Message(
        "state_changed",
        # The citizen hears of every move made by others (not of their own withdrawal).
        applies=lambda event: event.state_before != "" and event.actor != Actor.CITIZEN,
        recipients=citizen_recipients,
        link=lambda application: _absolute("citizen:application_detail", application.pk),
    ),
    Message(
        "withdrawn",
        applies=lambda event: event.state_after == ApplicationState.WITHDRAWN,
        recipients=employer_recipients,
        link=lambda application: _absolute("employer_shortlists:home"),
    ),
)
MESSAGES_BY_KIND = {message.kind: message for message in MESSAGES}


def write_notifications(event: ApplicationEvent) -> list[ApplicationNotification]:
    """Store the messages of `event` and defer their sending (call inside the transaction)."""
    from sil.applications.tasks import send_notification

    application = event.application
    written = []
    for message in MESSAGES:
        if not message.applies(event):
            continue
        recipients = message.recipients(application)
        if not recipients:
            continue
        subject, body = message.render(application, event)
        notification, created = ApplicationNotification.objects.get_or_create(
            event=event,
            kind=message.kind,
            defaults={
                "application": application,
                "recipients": recipients,
                "subject": subject,
                "body": body,
            },
        )
        if created:
            send_notification.defer(notification_id=notification.pk)
            written.append(notification)
    return written


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def _is_permanent(exc: Exception) -> bool:
    """5xx answers (unknown mailbox, refused sender) will not change by retrying."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _send(notification: ApplicationNotification) -> str:
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(notification.recipients),
        headers={"X-SIL-Notification": str(notification.pk)},
    )
    try:
        with get_connection(fail_silently=False) as connection:
            sent = connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=_is_permanent(exc)) from exc
    if not sent:
        raise DeliveryError("the mail backend accepted no message", permanent=False)
    return f"accepted: Message-ID {message.message()['Message-ID']}"


def deliver(notification_id: int, *, final_attempt: bool = False) -> ApplicationNotification | None:
    """Send one stored message once. Raises DeliveryError on a transient failure (the task
    retries); a permanent failure, or a transient one on the last attempt, marks it failed.
    None when the message no longer exists (its application was deleted)."""
    with transaction.atomic():
        notification = (
            ApplicationNotification.objects.select_for_update().filter(pk=notification_id).first()
        )
        if notification is None:
            return None
        if notification.status != NotificationStatus.PENDING:
            return notification  # already sent or given up: never twice
        notification.attempts += 1
        notification.last_attempt_at = timezone.now()
        try:
            notification.provider_response = _send(notification)
        except DeliveryError as exc:
            notification.provider_response = str(exc)[:2000]
            if exc.permanent or final_attempt:
                notification.status = NotificationStatus.FAILED
                notification.save()
                logger.warning("notification %s failed: %s", notification.pk, exc)
                return notification
            notification.save()  # committed below, then the task raises to be retried
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = timezone.now()
            notification.save()
            return notification
    raise DeliveryError(notification.provider_response, permanent=False)
