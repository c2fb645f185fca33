"""REST API of the vacancies app: ROUTES are registered by sil/core/api_urls.py."""

from typing import Any

ROUTES: list[tuple[str, Any, str]] = []
