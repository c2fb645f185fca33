"""Read-only admin: shortlists change only through sil.shortlists.actions (consent rules)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sil.shortlists.models import ReceivedCv, Shortlist, ShortlistEntry, ShortlistMessage


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EntryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ShortlistEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "position",
        "person",
        "score",
        "consent_to_share",
        "sent_at",
        "feedback",
        "outcome",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Shortlist)
class ShortlistAdmin(ReadOnlyAdmin):
    list_display = ["vacancy", "office", "state", "created_at", "sent_at"]
    list_filter = ["state"]
    list_select_related = ["vacancy", "office"]
    inlines = [EntryInline]
    show_full_result_count = False


@admin.register(ShortlistMessage)
class ShortlistMessageAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "subject", "created_at"]
    raw_id_fields = ["shortlist", "outbox_message"]
    show_full_result_count = False


@admin.register(ReceivedCv)
class ReceivedCvAdmin(ReadOnlyAdmin):
    list_display = ["employer", "person", "source", "received_at", "archived_at"]
    list_filter = ["source"]
    list_select_related = ["employer", "person"]
    show_full_result_count = False
