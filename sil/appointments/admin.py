from django.contrib import admin

from sil.appointments.models import (
    Appointment,
    AppointmentEvent,
    Calendar,
    Closure,
    OpeningHours,
    Slot,
    SlotTemplate,
)


class SlotTemplateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SlotTemplate
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "office", "operator", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["office", "operator"]
    search_fields = ["name", "office__code", "office__name"]
    raw_id_fields = ["office", "operator"]
    readonly_fields = ["feed_token"]
    inlines = [SlotTemplateInline]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["office", "weekday", "opens", "closes"]
    list_select_related = ["office"]
    raw_id_fields = ["office"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "office", "reason"]
    list_select_related = ["office"]
    raw_id_fields = ["office"]
    date_hierarchy = "date"


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["starts_at", "ends_at", "calendar", "office", "mode", "is_blocked"]
    list_select_related = ["calendar", "office"]
    raw_id_fields = ["calendar", "office"]
    show_full_result_count = False


class AppointmentEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AppointmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "by", "by_citizen", "data"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: appointments change only through the actions (and their signals)."""

    list_display = ["starts_at", "office", "person", "status", "topic"]
    list_filter = ["status"]
    list_select_related = ["office", "person"]
    raw_id_fields = ["slot", "person", "office", "moved_to", "created_by"]
    show_full_result_count = False
    inlines = [AppointmentEventInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
