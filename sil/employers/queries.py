"""Reads about employers that other apps use: the signed-in employer user's firm, scoping."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from sil.accounts.models import UserKind
from sil.accounts.queries import sees_all_offices
from sil.core.permissions import Action, can, visible_office_ids
from sil.employers.models import Employer, EmployerMembership, EmployerRole

# Session key: the firm an employer user with several firms chose to act for.
SESSION_EMPLOYER = "sil_employer_id"
_CACHE_ATTR = "_sil_employer_memberships"


def user_memberships(user: Any) -> list[EmployerMembership]:
    """The user's memberships of active firms, by firm name (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if getattr(user, "kind", None) != UserKind.EMPLOYER or not user.is_active:
        return []
    cached: list[EmployerMembership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            EmployerMembership.objects.filter(user_id=user.pk, employer__is_active=True)
            .select_related("employer")
            .order_by("employer__name", "employer_id")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def employer_ids_for_user(user: Any) -> list[int]:
    """Ids of the active firms the user acts for (employer users only; [] for anyone else)."""
    return [m.employer_id for m in user_memberships(user)]


def user_membership(request: HttpRequest) -> EmployerMembership | None:
    """The membership the signed-in employer user acts through: the firm chosen in the session,
    else the first by name."""
    memberships = user_memberships(getattr(request, "user", None))
    if not memberships:
        return None
    chosen = getattr(request, "session", {}).get(SESSION_EMPLOYER)
    for membership in memberships:
        if membership.employer_id == chosen:
            return membership
    return memberships[0]


def user_employer(request: HttpRequest) -> Employer | None:
    """The firm the signed-in employer user acts for, or None."""
    membership = user_membership(request)
    return membership.employer if membership is not None else None


def is_employer_admin(request: HttpRequest) -> bool:
    membership = user_membership(request)
    return membership is not None and membership.role == EmployerRole.ADMIN


def employers_for_operator(user: Any) -> QuerySet[Employer]:
    """Every firm, for any operator: firms are not personal data, and a firm hires across the
    offices' borders (sole traders' codes are: the pages log every read of them)."""
    if getattr(user, "is_operator", False) or getattr(user, "is_superuser", False):
        return Employer.objects.all()
    return Employer.objects.none()


def can_edit_employer(user: Any, employer: Employer) -> bool:
    """Operators change the firms their offices follow (or with no office yet); region-wide
    roles that may write (the permission matrix: not the auditor) change any."""
    if not can(user, Action.WRITE):
        return False
    if getattr(user, "is_superuser", False) or sees_all_offices(user):
        return True
    if not getattr(user, "is_operator", False):
        return False
    offices = visible_office_ids(user) or set()
    return employer.office_id is None or employer.office_id in offices


def directory_employers() -> QuerySet[Employer]:
    """Firms listed in the public business directory."""
    return Employer.objects.in_directory()
