"""Admin of services: code tables editable by the Region, personal records read-only."""

from __future__ import annotations

from django.contrib import admin

from sil.dossier.admin import ReadOnlyAdmin
from sil.services.models import (
    GolAssessment,
    GolPath,
    Policy,
    PolicyEvent,
    PolicyEventCode,
    Profiling,
)


@admin.register(PolicyEventCode)
class PolicyEventCodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "date_rule"]


@admin.register(GolPath)
class GolPathAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "name", "description"]


class PolicyEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PolicyEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("code", "date", "created_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ["person", "activity_type", "title", "proposal_date", "policy_id"]
    inlines = [PolicyEventInline]


@admin.register(Profiling)
class ProfilingAdmin(ReadOnlyAdmin):
    list_display = ["person", "index", "profiling_class", "model_version", "profiled_on"]


@admin.register(GolAssessment)
class GolAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "path", "decided_on", "override"]
    list_select_related = ["person", "path"]
