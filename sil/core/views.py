from __future__ import annotations

import sys

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sil.core.health import database_status, worker_status
from sil.core.middleware import database_unavailable_response, is_database_outage


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors.

    503 only when the database is unreachable: this node cannot serve. A worker that stopped
    heartbeating makes the node "degraded" (200): web pages still work, background work waits.
    """
    database = database_status()
    if database["status"] != "ok":
        body = {"status": "error", "database": database, "worker": {"status": "unknown"}}
        return JsonResponse(body, status=503)
    worker = worker_status()
    status = "ok" if worker["status"] == "ok" else "degraded"
    return JsonResponse({"status": status, "database": database, "worker": worker})


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler (handler500), except while the database is unreachable: then the
    503 of DatabaseUnavailableMiddleware, also for errors raised by middleware (sessions,
    authentication) that the middleware's process_exception never sees."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return database_unavailable_response(request)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
