"""Who may do what: the permission matrix (role by action), and whose personal data one sees.

The matrix (MATRIX) is the one answer to "may this user do this": views (ReadOnlyRoleMiddleware),
API endpoints (ApiRolePermission, the API's default permission) and actions (`require`) all ask
`can`. A user holding several roles may do what any of them allows.

Who may see whose personal data: the operator's offices scope every query of people.

Operators see the people of the offices where they hold a membership in force; region,
administrator and auditor roles (and superusers) see every office. System accounts (API
integrations) are scoped the same way, by the memberships given to them: none, nobody. Anyone
else (citizens, employers, schools, anonymous users) sees nobody through these helpers: their
own data reach them through other, narrower paths.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy
from rest_framework import permissions as drf_permissions

from sil.accounts.models import Role, UserKind
from sil.accounts.queries import forget_memberships, office_ids, roles, sees_all_offices

_M = TypeVar("_M", bound=Model)


class Action(StrEnum):
    READ = "read"  # read the personal data of the offices in scope
    WRITE = "write"  # change anything: people, dossiers, firms, vacancies, campaigns, ...
    READ_SPECIAL = "read_special"  # special categories (art. 9 GDPR: disability, L. 68/1999)


_READ_WRITE = frozenset({Action.READ, Action.WRITE})

MATRIX: dict[str, frozenset[Action]] = {
    Role.CPI_OPERATOR: _READ_WRITE,
    Role.CPI_MANAGER: _READ_WRITE,
    Role.TARGETED_OPERATOR: _READ_WRITE | {Action.READ_SPECIAL},
    Role.REGION: _READ_WRITE,
    Role.ADMIN: _READ_WRITE | {Action.READ_SPECIAL},
    # Audits what was done; changes nothing.
    Role.AUDITOR: frozenset({Action.READ}),
}

# Roles that may change nothing (derived from the matrix, so a new read-only role is one line).
READ_ONLY_ROLES = frozenset(role for role, allowed in MATRIX.items() if Action.WRITE not in allowed)

# Roles allowed to read special categories of personal data (disability, L. 68/1999).
SPECIAL_CATEGORY_ROLES = frozenset(
    role for role, allowed in MATRIX.items() if Action.READ_SPECIAL in allowed
)

READ_ONLY_MESSAGE = gettext_lazy("Il ruolo assegnato consente solo la consultazione.")


def _is_active_user(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def acts_by_role(user: Any) -> bool:
    """Operators and system accounts act through their office memberships and roles."""
    return bool(
        getattr(user, "is_operator", False) or getattr(user, "kind", None) == UserKind.SYSTEM
    )


def visible_office_ids(user: Any) -> set[int] | None:
    """The offices whose people the user may see: None means every office.

    An empty set means none at all (not signed in, not an operator, or no membership in force).
    """
    if not _is_active_user(user):
        return set()
    if getattr(user, "is_superuser", False):
        return None
    if not acts_by_role(user):
        return set()
    if sees_all_offices(user):
        return None
    return office_ids(user)


def scope_to_offices(
    queryset: QuerySet[_M], user: Any, office_field: str = "competent_office"
) -> QuerySet[_M]:
    """Filter a queryset of personal data down to what the operator may see.

    `office_field` names the foreign key (or lookup path) to territory.Office that decides
    competence, e.g. "competent_office" or "person__competent_office".
    """
    offices = visible_office_ids(user)
    if offices is None:
        return queryset
    if not offices:
        return queryset.none()
    return queryset.filter(**{f"{office_field}__in": sorted(offices)})


def can(user: Any, action: Action) -> bool:
    """Whether the user may do `action`: superusers may do anything; operators and system
    accounts what one of their roles in force allows; nobody else (citizens and firms act on
    their own data through their own areas, which check that ownership)."""
    if not _is_active_user(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if not acts_by_role(user):
        return False
    return any(action in MATRIX.get(role, frozenset()) for role in roles(user))


def refused(user: Any, action: Action) -> bool:
    """Whether the matrix refuses `action` to an operator or system account: it holds roles in
    force and none of them allows it. One without any role in force is left to office scoping
    (which shows them nobody); citizens and firms to the ownership checks of their areas."""
    return bool(
        _is_active_user(user)
        and not getattr(user, "is_superuser", False)
        and acts_by_role(user)
        and roles(user)
        and not can(user, action)
    )


def is_read_only(user: Any) -> bool:
    """An operator or system account whose roles allow no change at all."""
    return refused(user, Action.WRITE)


def require(user: Any, action: Action) -> None:
    """For actions (`do_*`): refuse when the user acting may not do this. `None` is the system
    itself (commands, tasks), which the matrix does not restrict."""
    if user is not None and refused(user, action):
        raise PermissionDenied(READ_ONLY_MESSAGE)


class ApiRolePermission(drf_permissions.BasePermission):
    """The API's default permission: signed in to read; to write, no role that the matrix
    refuses it to. Endpoints with permission classes of their own list it first."""

    message = READ_ONLY_MESSAGE

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in drf_permissions.SAFE_METHODS:
            return True
        # Role holders within what their roles allow; citizens and firms are left to each
        # endpoint's ownership checks (the vacancies API serves firms, for instance).
        return not refused(user, Action.WRITE)


# A read-only user may still change their own account (password, second factor, sign out) and
# the language of the pages.
_OWN_ACCOUNT_PREFIXES = ("/account/", "/i18n/")


class ReadOnlyRoleMiddleware:
    """Every page and API call through a session: a user whose roles allow no change gets 403
    for any unsafe request (POST, PUT, PATCH, DELETE), whatever the view. Token requests are
    authenticated inside DRF and checked there (ApiRolePermission)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in drf_permissions.SAFE_METHODS
            and not request.path.startswith(_OWN_ACCOUNT_PREFIXES)
            and is_read_only(getattr(request, "user", None))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(READ_ONLY_MESSAGE)}, status=403)
            raise PermissionDenied(READ_ONLY_MESSAGE)
        return self.get_response(request)


def can_see_special_categories(user: Any) -> bool:
    """Special categories (art. 9 GDPR: disability, protected categories) need their own role."""
    if not _is_active_user(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_operator", False):
        return False
    return can(user, Action.READ_SPECIAL)


def forget(user: Any) -> None:
    """Drop what was cached on the user object (after its memberships change)."""
    forget_memberships(user)
