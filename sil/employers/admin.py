from django.contrib import admin

from sil.employers.models import DirectoryConsent, Employer, EmployerMembership, EmployerSite


class EmployerSiteInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EmployerSite
    extra = 0
    fields = readonly_fields = ("name", "municipality", "address", "is_active")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EmployerMembership
    extra = 0
    fields = readonly_fields = ("user", "role", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class DirectoryConsentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DirectoryConsent
    extra = 0
    fields = readonly_fields = ("given", "at", "by")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: firms change through the operator pages (sil.employers.actions)."""

    list_display = [
        "name",
        "fiscal_code",
        "vat_number",
        "municipality",
        "ateco_section",
        "is_active",
    ]
    list_filter = ["is_active", "directory_consent", "size", "ateco_section"]
    list_select_related = ["municipality"]
    search_fields = ["name", "fiscal_code", "vat_number"]
    show_full_result_count = False
    inlines = [EmployerSiteInline, MembershipInline, DirectoryConsentInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
