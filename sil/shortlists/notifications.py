"""E-mail to the firm when a shortlist is sent, through the notifications outbox.

The kind is registered in `ShortlistsConfig.ready()` with its templates in
shortlists/messages/shortlist_sent/. The outbox rows (topic ``shortlist:<pk>``, one step per
recipient) and the ShortlistMessage rows that the shortlist page lists are written in the same
transaction as the shortlist's move: a rolled-back send leaves neither, a repeated one adds none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from sil.employers.models import EmployerMembership
from sil.notifications.messages import compose, enqueue, recipient_step
from sil.shortlists.models import ShortlistMessage

if TYPE_CHECKING:
    from sil.shortlists.models import Shortlist

KIND = "shortlists.shortlist_sent"
TEMPLATES = "shortlists/messages/shortlist_sent"


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
    """Put one message per recipient in the outbox (inside the caller's transaction)."""
    link = settings.SITE_URL.rstrip("/") + reverse(
        "employer_shortlists:shortlist_detail", args=[shortlist.pk]
    )
    context = {"shortlist": shortlist, "candidates": candidates, "link": link}
    emails = recipients(shortlist)
    specs = [
        compose(
            KIND,
            channel="email",
            recipient=email,
            topic=f"shortlist:{shortlist.pk}",
            step=recipient_step("sent", email),
            context=context,
        )
        for email in emails
    ]
    messages = []
    for email, spec, outbox in zip(emails, specs, enqueue(specs), strict=True):
        message, _created = ShortlistMessage.objects.get_or_create(
            shortlist=shortlist,
            recipient=email,
            defaults={"subject": spec.subject[:300], "body": spec.body, "outbox_message": outbox},
        )
        messages.append(message)
    return messages
