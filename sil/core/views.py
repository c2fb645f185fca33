from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from sil.core.health import database_status, worker_status


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


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL no route matches: JSON under /api/, as every other API answer."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Risorsa inesistente.")}, status=404)
    return page_not_found(request, exception)
