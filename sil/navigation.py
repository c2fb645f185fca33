"""The main menu, assembled from the registry's `navigation` store (the composition root).

Apps register their entries in AppConfig.ready(); entries with the same `group` form one
drop-down, so the operator menu fits a 1,280 px screen whatever the number of apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from sil.core.registry import NavEntry, registry


def _resolve(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _audience(user: Any) -> str:
    return str(getattr(user, "kind", "operator"))


def _visible(entry: NavEntry, user: Any, user_roles: Callable[[], set[str]]) -> bool:
    if entry.staff and not user.is_staff:
        return False
    if _audience(user) not in entry.audiences:
        return False
    if entry.roles is None or user.is_superuser:
        return True
    return bool(entry.roles & user_roles())


def nav_items(
    request: HttpRequest, entries: Iterable[NavEntry] | None = None
) -> list[dict[str, Any]]:
    """Top-level items in menu order: links, and groups with their `children` links.

    A group takes the place of its first entry; a group with one visible entry is shown as
    that entry alone.
    """
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
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for entry in registry.navigation if entries is None else entries:
        if not _visible(entry, user, user_roles):
            continue
        url = _resolve(entry.url_name)
        if url is None:
            continue
        active = request.path == url if url == home else request.path.startswith(url)
        link = {"label": entry.label, "url": url, "active": active}
        if entry.group is None:
            items.append(link)
            continue
        key = str(entry.group)
        if key not in groups:
            groups[key] = {"label": entry.group, "children": [], "active": False}
            items.append(groups[key])
        groups[key]["children"].append(link)
        groups[key]["active"] = groups[key]["active"] or active
    # A group of one is a plain link; the longest matching URL alone is marked active.
    items = [i["children"][0] if "children" in i and len(i["children"]) == 1 else i for i in items]
    _keep_one_active(items)
    for index, item in enumerate(items):
        item["id"] = f"nav-group-{index}"
    return items


def _keep_one_active(items: list[dict[str, Any]]) -> None:
    links = [link for item in items for link in item.get("children", [item])]
    best = max(
        (link for link in links if link["active"]), key=lambda link: len(link["url"]), default=None
    )
    for link in links:
        link["active"] = link is best
    for item in items:
        if "children" in item:
            item["active"] = any(link["active"] for link in item["children"])


def _my_offices(request: HttpRequest) -> list[dict[str, Any]]:
    from sil.accounts.queries import offices_with_roles

    return offices_with_roles(getattr(request, "user", None))


def menu(request: HttpRequest) -> dict[str, object]:
    """Template context: the menu and the signed-in operator's offices, computed on demand."""
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items(request)),
        "my_offices": SimpleLazyObject(lambda: _my_offices(request)),
    }
