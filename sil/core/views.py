from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sil.core.health import worker_status


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and monitors: database reachable, worker heartbeating."""
    database: dict[str, object]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = {"status": "ok"}
    except Exception as exc:  # any failure is a 503, with its class for the operator
        database = {"status": "error", "error": exc.__class__.__name__}
    worker = worker_status() if database["status"] == "ok" else {"status": "unknown"}
    healthy = database["status"] == "ok"
    body = {"status": "ok" if healthy else "error", "database": database, "worker": worker}
    return JsonResponse(body, status=200 if healthy else 503)
