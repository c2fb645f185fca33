from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def _nav_items(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [
        (_("Scrivania"), reverse("core:home")),
        (_("Uffici"), reverse("territory:office_list")),
    ]
    if user.is_staff:
        items.append((_("Amministrazione"), reverse("admin:index")))
    path = request.path
    return [
        {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        for label, url in items
    ]


def shell(request: HttpRequest) -> dict[str, object]:
    return {
        "SIL_DEMO": settings.DEMO,
        "SIL_REGION_NAME": settings.SIL_REGION_NAME,
        "nav_items": _nav_items(request),
    }
