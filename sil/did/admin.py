from django.contrib import admin

from sil.did.models import Did, DidEvent, IncomeThreshold, Suspension


class DidEventInline(admin.TabularInline):
    model = DidEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "effective_date",
        "kind",
        "state_after",
        "reason",
        "source_reference",
        "note",
    )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class SuspensionInline(admin.TabularInline):
    model = Suspension
    extra = 0
    can_delete = False
    readonly_fields = ["start", "end", "source_reference"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Did)
class DidAdmin(admin.ModelAdmin):
    """Read-only: DIDs change only through their events (sil.did.actions)."""

    list_display = ["person", "did_date", "state", "channel", "national_id"]
    list_filter = ["state", "channel"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    show_full_result_count = False
    inlines = [DidEventInline, SuspensionInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(IncomeThreshold)
class IncomeThresholdAdmin(admin.ModelAdmin):
    list_display = ["kind", "amount", "valid_from", "valid_to", "source"]
    list_filter = ["kind"]
