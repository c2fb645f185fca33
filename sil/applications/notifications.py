"""Messages sent on application events, through the notifications outbox.

Each kind is registered in `ApplicationsConfig.ready()` (registry.message_kinds) with its
templates in applications/messages/<kind>/. `write_notifications(event)` runs inside the
action's transaction: it puts one outbox message per recipient (topic ``application:<pk>``,
step ``<kind>:<event pk>:<recipient>``, so nothing is sent twice) and keeps, per event and kind,
an ApplicationNotification linked to those outbox rows, whose statuses the pages show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from sil.applications.models import (
    Actor,
    Application,
    ApplicationEvent,
    ApplicationNotification,
    ApplicationState,
)
from sil.core.registry import MessageKind
from sil.notifications.messages import compose, enqueue, recipient_step, render

if TYPE_CHECKING:
    from collections.abc import Callable


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
    """A kind of message: when it applies, to whom (the citizen or the firm) and its link."""

    kind: str  # short name; the registered kind is "applications.<kind>"
    label: Any
    applies: Callable[[ApplicationEvent], bool]
    recipients: Callable[[Application], list[str]]
    link: Callable[[Application], str]
    to_citizen: bool = False

    @property
    def name(self) -> str:
        return f"applications.{self.kind}"

    def message_kind(self) -> MessageKind:
        return MessageKind(self.name, self.label, f"applications/messages/{self.kind}")

    def context(self, application: Application, event: ApplicationEvent) -> dict[str, Any]:
        return {
            "application": application,
            "event": event,
            "person": application.person,
            "vacancy": application.vacancy,
            "employer": application.employer,
            "link": self.link(application),
            "region": settings.SIL_REGION_NAME,
        }


MESSAGES: tuple[Message, ...] = (
    Message(
        "new_application",
        _("Nuova candidatura, all'impresa"),
        applies=lambda event: event.state_before == "",
        recipients=employer_recipients,
        link=lambda application: _absolute("employer_shortlists:home"),
    ),
    Message(
        "state_changed",
        _("Candidatura cambiata di stato, al cittadino"),
        # The citizen hears of every move made by others (not of their own withdrawal).
        applies=lambda event: event.state_before != "" and event.actor != Actor.CITIZEN,
        recipients=citizen_recipients,
        link=lambda application: _absolute("citizen:application_detail", application.pk),
        to_citizen=True,
    ),
    Message(
        "withdrawn",
        _("Candidatura ritirata, all'impresa"),
        applies=lambda event: event.state_after == ApplicationState.WITHDRAWN,
        recipients=employer_recipients,
        link=lambda application: _absolute("employer_shortlists:home"),
    ),
)
MESSAGES_BY_KIND = {message.kind: message for message in MESSAGES}


def write_notifications(event: ApplicationEvent) -> list[ApplicationNotification]:
    """Put the messages of `event` in the outbox and record them (call inside the transaction)."""
    application = event.application
    written = []
    for message in MESSAGES:
        if not message.applies(event):
            continue
        recipients = message.recipients(application)
        if not recipients:
            continue
        context = message.context(application, event)
        specs = [
            compose(
                message.name,
                channel="email",
                recipient=email,
                topic=f"application:{application.pk}",
                step=recipient_step(f"{message.kind}:{event.pk}", email),
                context=context,
                # Messages to the firm have no person: the outbox key keeps them once anyway.
                person_id=application.person_id if message.to_citizen else None,
            )
            for email in recipients
        ]
        # The record keeps the text in the service language, as the firm and the office read it.
        subject, body = render(message.name, "email", context, settings.LANGUAGE_CODE)
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
            notification.outbox_messages.set(enqueue(specs))
            written.append(notification)
    return written
