from django.contrib import admin

from sil.vacancies.models import Vacancy, VacancyLanguage, VacancyTransition


class VacancyLanguageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = VacancyLanguage
    extra = 0


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "employer", "municipality", "state", "publication_date", "expiry_date"]
    list_filter = ["state", "working_time", "targeted_l68", "eures"]
    search_fields = ["title", "reference", "employer__name"]
    list_select_related = ["employer", "municipality"]
    raw_id_fields = ["employer", "site", "office", "profession", "esco_occupation", "municipality"]
    # The workflow and the quality check belong to the actions, never to a hand edit.
    readonly_fields = [
        "state",
        "quality_warnings",
        "quality_confirmed_by",
        "quality_confirmed_at",
        "quality_reason",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [VacancyLanguageInline]
    show_full_result_count = False


@admin.register(VacancyTransition)
class VacancyTransitionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["vacancy", "state_before", "state_after", "actor", "by_name", "at"]
    list_select_related = ["vacancy"]
    show_full_result_count = False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
