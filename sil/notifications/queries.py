"""Reads of the outbox other apps use (campaign dashboards, person pages) and the CLI status."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from sil.core.permissions import scope_to_offices
from sil.notifications.models import OutboxMessage, ProviderState
from sil.notifications.transports import APPIO, EMAIL, SMS, SMS_FALLBACK


def operator_messages(user: Any) -> QuerySet[OutboxMessage]:
    """Messages of the people of the operator's offices (every message for region-wide roles;
    messages without a person only for them)."""
    return scope_to_offices(
        OutboxMessage.objects.all(), user, office_field="person__competent_office"
    )


def topic_status_counts(topic: str) -> dict[str, int]:
    """How many messages of a topic are in each status, e.g. {"sent": 10, "delivered": 7}."""
    rows = (
        OutboxMessage.objects.filter(topic=topic)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def topic_counts_by_step(topic: str) -> dict[tuple[str, str, str], int]:
    """{(step, channel, status): count} of a topic, for dashboards."""
    rows = (
        OutboxMessage.objects.filter(topic=topic)
        .values_list("step", "channel", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(step, channel, status): n for step, channel, status, n in rows}


def person_messages(person_id: int) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(person_id=person_id).order_by("-created_at", "-id")


def _configured(name: str) -> bool:
    if settings.SIL_NOTIFICATIONS_DEMO_SINK:
        return True
    return {
        EMAIL: True,
        SMS: bool(settings.SIL_SMS_GATEWAY_URL),
        SMS_FALLBACK: bool(settings.SIL_SMS_FALLBACK_URL),
        APPIO: bool(settings.SIL_APPIO_KEY),
    }[name]


def outbox_status() -> dict[str, Any]:
    messages = [
        {"channel": channel, "status": status, "count": n}
        for channel, status, n in OutboxMessage.objects.values_list("channel", "status")
        .annotate(n=Count("id"))
        .order_by("channel", "status")
    ]
    states = {s.name: s for s in ProviderState.objects.all()}
    providers = []
    for name in (EMAIL, SMS, SMS_FALLBACK, APPIO):
        state = states.get(name)
        providers.append(
            {
                "name": name,
                "configured": _configured(name),
                "consecutive_failures": state.consecutive_failures if state else 0,
                "disabled_until": state.disabled_until if state else None,
            }
        )
    due = OutboxMessage.objects.filter(Q(status="pending")).count()
    return {
        "messages": messages,
        "providers": providers,
        "pending": due,
        "demo_sink": settings.SIL_NOTIFICATIONS_DEMO_SINK,
    }
