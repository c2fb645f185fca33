"""Reads about operators used by other apps: roles, offices, scope of visibility.

Results are cached on the user object for the length of a request, so the navigation, the
home page and permission checks share one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sil.accounts.models import Membership, Role

# Roles whose holders see every office of the Region, not only their own.
REGION_WIDE_ROLES = frozenset({Role.REGION, Role.ADMIN, Role.AUDITOR})

_CACHE_ATTR = "_sil_open_memberships"


def open_memberships_q(day: dt.date | None = None) -> Q:
    """Memberships in force on `day` (today by default)."""
    day = day or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def open_memberships(user: Any) -> list[Membership]:
    """The user's memberships in force today, with their offices (one query per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        qs: QuerySet[Membership] = (
            Membership.objects.filter(open_memberships_q(), user_id=user.pk)
            .select_related("office")
            .order_by("office__name", "office_id", "role")
        )
        cached = list(qs)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache (after memberships change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: Any) -> set[str]:
    """The roles the user holds today, in any office."""
    return {m.role for m in open_memberships(user)}


def has_role(user: Any, *wanted: str) -> bool:
    """Whether the user holds at least one of `wanted` today."""
    return bool(roles(user) & set(wanted))


def office_ids(user: Any) -> set[int]:
    """Ids of the offices where the user has a membership in force."""
    return {m.office_id for m in open_memberships(user)}


def sees_all_offices(user: Any) -> bool:
    """Region, administrator and auditor roles see every office."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return has_role(user, *REGION_WIDE_ROLES)


def offices_with_roles(user: Any) -> list[dict[str, Any]]:
    """For display: each office once, with the labels of the roles held there."""
    grouped: dict[int, dict[str, Any]] = {}
    for membership in open_memberships(user):
        entry = grouped.setdefault(membership.office_id, {"office": membership.office, "roles": []})
        entry["roles"].append(membership.get_role_display())
    return list(grouped.values())
