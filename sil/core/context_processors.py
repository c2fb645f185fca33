"""Template context shared by every page: the shell (region name, demo flag)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, object]:
    return {
        "SIL_DEMO": settings.DEMO,
        "SIL_REGION_NAME": settings.SIL_REGION_NAME,
    }
