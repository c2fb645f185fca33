"""Admin of the kernel: the access log, read-only, for auditors and administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sil.accounts.models import Role
from sil.accounts.queries import has_role
from sil.core.models import AccessLog

# Roles that read the access log without an explicit permission (they still need is_staff to
# enter the admin site at all).
ACCESS_LOG_ROLES = (Role.AUDITOR, Role.ADMIN)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Visible to superusers, auditors and administrators (by role) and to anyone granted
    # core.view_accesslog; nobody adds, changes or deletes rows (the database refuses anyway).
    list_display = ["at", "username", "office_id", "action", "object_type", "object_id", "special"]
    list_filter = ["action", "special", "object_type"]
    search_fields = ["=username", "=object_id", "=request_id", "=ip"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    show_full_result_count = False  # the table is large: no COUNT(*) on every page
    readonly_fields = [field.name for field in AccessLog._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or has_role(
            request.user, *ACCESS_LOG_ROLES
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or has_role(request.user, *ACCESS_LOG_ROLES)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
