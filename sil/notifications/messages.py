"""Messages of registered kinds: render their templates and put them in the outbox.

Apps register a `MessageKind` (sil/core/registry.py) in their `AppConfig.ready()` and send with

    with transaction.atomic():
        ...                                     # the change that causes the message
        rows = enqueue([compose("shortlists.shortlist_sent", channel="email", recipient=email,
                                topic=f"shortlist:{pk}", step=recipient_step("sent", email),
                                context={...})])

The dispatcher sends; the rows returned carry the status the app's pages show. A message is
identified by (person, topic, step, channel), person NULL included (messages to a firm's users
have none): `recipient_step` puts the recipient in the step so each address gets one message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from sil.core.registry import MessageKind, registry
from sil.notifications.actions import MessageSpec, do_enqueue
from sil.notifications.models import Channel, OutboxMessage


def message_kind(name: str) -> MessageKind:
    kind = registry.message_kinds.get(name)
    if kind is None:
        raise ImproperlyConfigured(f"message kind {name!r} is not registered")
    return kind


def render(name: str, channel: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of a kind on a channel, in `language` (no subject for SMS)."""
    kind = message_kind(name)
    if channel not in kind.channels:
        raise ValueError(f"message kind {name!r} has no {channel!r} templates")
    with translation.override(language):
        subject = ""
        if channel != Channel.SMS:
            subject = render_to_string(kind.template(channel, "subject"), dict(context))
        body = render_to_string(kind.template(channel, "body"), dict(context))
    return " ".join(subject.split())[:200], body.strip() + "\n"


def recipient_step(step: str, recipient: str) -> str:
    """`step` made unique per address (case-insensitive), within the 60 characters of a step."""
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:16]
    return f"{step[:43]}:{digest}"


def compose(
    name: str,
    *,
    channel: str,
    recipient: str,
    topic: str,
    step: str,
    context: Mapping[str, Any],
    person_id: int | None = None,
    language: str | None = None,
) -> MessageSpec:
    """The outbox message of kind `name`, rendered in the recipient's language (the service
    language when none is known)."""
    language = language or settings.LANGUAGE_CODE
    subject, body = render(name, channel, context, language)
    return MessageSpec(
        person_id=person_id,
        topic=topic,
        step=step,
        channel=channel,
        recipient=recipient.strip(),
        body=body,
        subject=subject,
        language=language,
        kind=name,
    )


def enqueue(specs: Sequence[MessageSpec]) -> list[OutboxMessage]:
    """Enqueue (inside the caller's transaction) and return the outbox rows of `specs`, in order,
    whether new or already there (then left as they were: never sent twice)."""
    if not specs:
        return []
    do_enqueue(specs)
    keys = Q()
    for spec in specs:
        keys |= Q(person_id=spec.person_id, topic=spec.topic, step=spec.step, channel=spec.channel)
    rows = {
        (row.person_id, row.topic, row.step, row.channel): row
        for row in OutboxMessage.objects.filter(keys)
    }
    return [rows[(spec.person_id, spec.topic, spec.step, spec.channel)] for spec in specs]
