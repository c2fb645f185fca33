"""E-mail to the firm when a shortlist is sent: stored rows, delivered by the worker.

The message rows are written in the same transaction as the shortlist's move and the delivery
job is deferred in it too, so a rolled-back send leaves neither. Delivery locks the row and
skips it once sent: a retried or duplicated job never sends twice.
"""

from __future__ import annotations

import logging
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from sil.employers.models import EmployerMembership
from sil.shortlists.models import MessageStatus, ShortlistMessage

if TYPE_CHECKING:
    from sil.shortlists.models import Shortlist

logger = logging.getLogger(__name__)


def recipients(shortlist: Shortlist) -> list[str]:
    """The firm's users, then the vacancy's application address; each once, in that order."""
    vacancy = shortlist.vacancy
    emails = list(
        EmployerMembership.objects.filter(employer_id=vacancy.employer_id, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    if vacancy.apply_email:
        emails.append(vacancy.apply_email)
    if not emails and vacancy.employer.email:
        emails.append(vacancy.employer.email)
    seen: set[str] = set()
    result = []
    for email in emails:
        key = email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(email.strip())
    return result


def queue_shortlist_sent(shortlist: Shortlist, candidates: int) -> list[ShortlistMessage]:
    """Store one message per recipient and defer its delivery (inside the caller's transaction)."""
    from sil.shortlists.tasks import send_message

    link = settings.SITE_URL.rstrip("/") + reverse(
        "employer_shortlists:shortlist_detail", args=[shortlist.pk]
    )
    # The firm reads Italian: the message is written in the default language.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"shortlist": shortlist, "candidates": candidates, "link": link}
        subject = " ".join(
            render_to_string("shortlists/email/shortlist_sent_subject.txt", context).split()
        )
        body = render_to_string("shortlists/email/shortlist_sent.txt", context)
    messages = []
    for email in recipients(shortlist):
        message, created = ShortlistMessage.objects.get_or_create(
            shortlist=shortlist,
            recipient=email,
            defaults={"subject": subject[:300], "body": body},
        )
        if created:
            send_message.defer(message_id=message.pk)
        messages.append(message)
    return messages


def deliver(message_id: int) -> str:
    """Send one stored message unless already sent; returns its status.

    Transient failures (connection, timeouts) raise, so the worker retries with its backoff;
    a refused recipient is marked failed and not retried.
    """
    failure: Exception | None = None
    with transaction.atomic():
        message = ShortlistMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.PENDING:
            return message.status if message is not None else "missing"
        message.attempts += 1
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
        )
        try:
            sent = email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            message.status = MessageStatus.FAILED
            message.last_error = str(exc)[:2000]
            message.save(update_fields=["status", "attempts", "last_error"])
            logger.warning("shortlist message %s refused: %s", message_id, exc)
        except (OSError, smtplib.SMTPException) as exc:
            # Keep the attempt and the error; the worker retries after the commit.
            message.last_error = str(exc)[:2000]
            message.save(update_fields=["attempts", "last_error"])
            failure = exc
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.provider_response = f"accepted by {sent} connection(s)"
            message.save(update_fields=["status", "attempts", "sent_at", "provider_response"])
    if failure is not None:
        raise failure
    return str(message.status)
