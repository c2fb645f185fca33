"""Template context shared by every page: the shell (region name, demo flag, navigation)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    """One entry of the main navigation.

    `roles`: shown only to holders of one of these roles (None: every operator).
    `staff`: shown only to Django staff users. `kinds`: the kinds of user the entry is for
    (operators, citizens, employer users). Entries whose URL name does not resolve (an app
    not installed yet) are skipped, so apps can be listed here before they exist.
    """

    label: Any
    url_name: str
    roles: frozenset[str] | None = None
    staff: bool = False
    kinds: frozenset[str] = frozenset({"operator"})


CITIZEN = frozenset({"citizen"})
EMPLOYER = frozenset({"employer"})

# Later apps add their entries here, in menu order.
NAV_ENTRIES: list[NavEntry] = [
    NavEntry(_("Scrivania"), "core:home"),
    NavEntry(_("Persone"), "people:person_list"),
    NavEntry(_("Imprese"), "employers:employer_list"),
    NavEntry(_("Offerte"), "vacancies:vacancy_list"),
    NavEntry(_("Candidature"), "applications:application_list"),
    NavEntry(_("Rose di candidati"), "shortlists:shortlist_list"),
    NavEntry(_("Campagne"), "campaigns:campaign_list"),
    NavEntry(_("Accoglienza"), "campaigns:reception_day"),
    NavEntry(_("Agende"), "appointments:index"),
    NavEntry(_("Messaggi"), "notifications:message_list"),
    NavEntry(_("Uffici"), "territory:office_list"),
    NavEntry(_("Amministrazione"), "admin:index", roles=frozenset({"region", "admin"})),
    # Citizens' personal area.
    NavEntry(_("Area personale"), "citizen:home", kinds=CITIZEN),
    NavEntry(_("I miei CV"), "citizen:cv_list", kinds=CITIZEN),
    NavEntry(_("Le mie candidature"), "citizen:application_list", kinds=CITIZEN),
    NavEntry(_("Cerca offerte"), "jobs:search", kinds=CITIZEN),
    # Employers' area.
    NavEntry(_("La mia impresa"), "employer_area:home", kinds=EMPLOYER),
    NavEntry(_("Offerte"), "employer_vacancies:vacancy_list", kinds=EMPLOYER),
    NavEntry(_("Candidature e rose"), "employer_shortlists:home", kinds=EMPLOYER),
]


def _resolve(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _visible(entry: NavEntry, user: Any, user_roles: Callable[[], set[str]]) -> bool:
    if entry.staff and not user.is_staff:
        return False
    if getattr(user, "kind", "operator") not in entry.kinds:
        return False
    if entry.roles is None:
        return True
    if user.is_superuser:
        return True
    return bool(entry.roles & user_roles())


def nav_items(
    request: HttpRequest, entries: Iterable[NavEntry] | None = None
) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from sil.accounts.middleware import SESSION_FLAG
    from sil.accounts.queries import roles

    if getattr(user, "is_operator", False) and not getattr(request, "session", {}).get(
        SESSION_FLAG
    ):
        # Not past the second-factor check yet: every link would lead back to enrolment.
        return []

    cached: dict[str, set[str]] = {}

    def user_roles() -> set[str]:
        if "roles" not in cached:
            cached["roles"] = roles(user)
        return cached["roles"]

    home = _resolve("core:home")
    items = []
    for entry in NAV_ENTRIES if entries is None else entries:
        if not _visible(entry, user, user_roles):
            continue
        url = _resolve(entry.url_name)
        if url is None:
            continue
        active = request.path == url if url == home else request.path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items


def _my_offices(request: HttpRequest) -> list[dict[str, Any]]:
    from sil.accounts.queries import offices_with_roles

    return offices_with_roles(getattr(request, "user", None))


def shell(request: HttpRequest) -> dict[str, object]:
    return {
        "SIL_DEMO": settings.DEMO,
        "SIL_REGION_NAME": settings.SIL_REGION_NAME,
        "nav_items": SimpleLazyObject(lambda: nav_items(request)),
        # The signed-in operator's offices and roles, computed only if a template asks.
        "my_offices": SimpleLazyObject(lambda: _my_offices(request)),
    }
