"""Read-only admin of the dossier for the Region's auditors: rows change through the actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    ItSkill,
    LanguageSkill,
    OtherLicence,
    TrainingCourse,
    WorkExperience,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    show_full_result_count = False
    search_fields = ["person__fiscal_code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Education)
class EducationAdmin(ReadOnlyAdmin):
    list_display = ["person", "title", "level", "year"]
    list_select_related = ["person", "level"]


@admin.register(TrainingCourse)
class TrainingCourseAdmin(ReadOnlyAdmin):
    list_display = ["person", "title", "provider", "year"]


@admin.register(WorkExperience)
class WorkExperienceAdmin(ReadOnlyAdmin):
    list_display = ["person", "employer_name", "start_date", "end_date"]


@admin.register(LanguageSkill)
class LanguageSkillAdmin(ReadOnlyAdmin):
    list_display = ["person", "language"]


@admin.register(ItSkill)
class ItSkillAdmin(ReadOnlyAdmin):
    list_display = ["person", "name", "level"]


@admin.register(DrivingLicence)
class DrivingLicenceAdmin(ReadOnlyAdmin):
    list_display = ["person", "category"]


@admin.register(OtherLicence)
class OtherLicenceAdmin(ReadOnlyAdmin):
    list_display = ["person", "name", "issuer"]


@admin.register(Availability)
class AvailabilityAdmin(ReadOnlyAdmin):
    list_display = ["person", "working_time", "mobility_radius_km", "shifts"]
