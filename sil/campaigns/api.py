"""REST API of campaigns: one module per area, routes collected here."""

from __future__ import annotations

from typing import Any

from sil.campaigns.api_campaigns import ROUTES as CAMPAIGN_ROUTES
from sil.campaigns.api_reception import ROUTES as RECEPTION_ROUTES

ROUTES: list[tuple[str, Any, str]] = CAMPAIGN_ROUTES + RECEPTION_ROUTES
