"""Admin of the outbox: read-only (the outbox is history), for the Region's operators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sil.notifications.models import DeliveryAttempt, DeliveryReport, OutboxMessage, ProviderState


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = (
        "at",
        "provider",
        "state",
        "reference",
        "ok",
        "permanent",
        "http_status",
        "duration_ms",
        "response",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "topic", "step", "channel", "status", "attempts", "created_at")
    list_filter = ("channel", "status")
    search_fields = ("=topic", "=recipient", "=provider_message_id")
    raw_id_fields = ("person",)
    list_select_related = ("person",)
    inlines = (AttemptInline,)


@admin.register(DeliveryReport)
class DeliveryReportAdmin(ReadOnlyAdmin):
    list_display = ("provider", "provider_message_id", "status", "occurred_at", "received_at")
    list_filter = ("provider", "status")
    raw_id_fields = ("message",)


@admin.register(ProviderState)
class ProviderStateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "consecutive_failures", "disabled_until", "tokens", "updated_at")
    readonly_fields = ("tokens", "refilled_at", "updated_at")
