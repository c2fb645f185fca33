"""Read-only admin of applications, their events and messages: history is never edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sil.applications.models import Application, ApplicationEvent, ApplicationNotification


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ("at", "state_before", "state_after", "actor", "recorded_by_name", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "vacancy", "employer", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["person", "vacancy", "employer"]
    raw_id_fields = ["person", "vacancy", "employer", "cv"]
    inlines = [EventInline]


@admin.register(ApplicationNotification)
class ApplicationNotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["application", "event"]
