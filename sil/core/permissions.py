"""Who may see whose personal data: the operator's offices scope every query of people.

Operators see the people of the offices where they hold a membership in force; region,
administrator and auditor roles (and superusers) see every office. System accounts (API
integrations) are scoped the same way, by the memberships given to them: none, nobody. Anyone
else (citizens, employers, schools, anonymous users) sees nobody through these helpers: their
own data reach them through other, narrower paths.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from sil.accounts.models import Role, UserKind
from sil.accounts.queries import forget_memberships, office_ids, roles, sees_all_offices

_M = TypeVar("_M", bound=Model)

# Roles allowed to read special categories of personal data (disability, L. 68/1999).
SPECIAL_CATEGORY_ROLES = frozenset({Role.TARGETED_OPERATOR, Role.ADMIN})


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


def can_see_special_categories(user: Any) -> bool:
    """Special categories (art. 9 GDPR: disability, protected categories) need their own role."""
    if not _is_active_user(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_operator", False):
        return False
    return bool(roles(user) & SPECIAL_CATEGORY_ROLES)


def forget(user: Any) -> None:
    """Drop what was cached on the user object (after its memberships change)."""
    forget_memberships(user)
