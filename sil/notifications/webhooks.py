"""Delivery reports from the providers: POST /notifiche/webhook/<provider>/, signed, no session.

Body: one report or a list of them, each {"id": provider message id, "reference": our outbox id,
"status": "delivered" | "failed" | "read" | "sent" (or the provider's words, see
actions.REPORT_STATUSES), "at": ISO 8601}. Answers 200 with how many were new, 403 on a bad or
stale signature, 400 on a body we cannot read. The raw report is kept.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sil.notifications.actions import do_record_report, normalise_report_status
from sil.notifications.signing import HEADER, verify
from sil.notifications.transports import PROVIDERS

MAX_BODY = 1_000_000


def _when(value: Any) -> dt.datetime | None:
    """The report's time if readable (naive times are taken as UTC), else None (now)."""
    try:
        at = parse_datetime(str(value)) if value else None
    except ValueError:
        return None
    if at is not None and timezone.is_naive(at):
        at = at.replace(tzinfo=dt.UTC)
    return at


@csrf_exempt
@require_POST
def report(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in PROVIDERS:
        return JsonResponse({"error": "unknown provider"}, status=404)
    body = request.body
    if len(body) > MAX_BODY:
        return JsonResponse({"error": "too large"}, status=413)
    if not verify(
        settings.SIL_WEBHOOK_SECRET,
        body,
        request.headers.get(HEADER, ""),
        settings.SIL_WEBHOOK_TOLERANCE_S,
    ):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        data = json.loads(body)
    except ValueError:
        return JsonResponse({"error": "invalid JSON"}, status=400)
    items: list[Any] = data if isinstance(data, list) else [data]
    parsed = []
    for item in items:
        if not isinstance(item, dict):
            return JsonResponse({"error": "a report must be an object"}, status=400)
        status = normalise_report_status(str(item.get("status", "")))
        pmid = str(item.get("id") or "")[:120]
        reference = item.get("reference")
        if status is None or not (pmid or reference):
            return JsonResponse({"error": "status and id or reference required"}, status=400)
        at = _when(item.get("at"))
        parsed.append((pmid, status, at, item, reference))
    new = sum(
        do_record_report(provider, pmid, status, at, raw, reference=reference)
        for pmid, status, at, raw, reference in parsed
    )
    return JsonResponse({"received": len(parsed), "new": new})
