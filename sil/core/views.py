from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
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


# Branded error pages ----------------------------------------------------------------------------


def _error_texts() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Richiesta non valida"),
            _(
                "La richiesta contiene dati che non possiamo leggere. Controlla l'indirizzo o "
                "il modulo e riprova."
            ),
        ),
        403: (
            _("Accesso non consentito"),
            _(
                "Non hai i permessi per vedere questa pagina. Se pensi che sia un errore, "
                "rivolgiti al tuo referente."
            ),
        ),
        404: (
            _("Pagina non trovata"),
            _("La pagina che cerchi non esiste o è stata spostata. Controlla l'indirizzo."),
        ),
        500: (
            _("Errore del sistema"),
            _(
                "Si è verificato un errore imprevisto. Il problema è stato registrato: riprova "
                "tra qualche minuto."
            ),
        ),
    }


def _back_url(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def error_page(request: HttpRequest, status: int, **extra: Any) -> HttpResponse:
    """The branded page of an HTTP error, in the user's language, with a way back."""
    title, text = _error_texts()[status]
    context = {"status": status, "error_title": title, "error_text": text, **extra}
    context["back_url"] = _back_url(request)
    return HttpResponse(loader.render_to_string(f"{status}.html", context, request), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for a URL no route matches: JSON under /api/, as every other API answer."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Risorsa inesistente.")}, status=404)
    return error_page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 of DatabaseUnavailableMiddleware while the database is unreachable
    (also for errors raised by middleware, such as sessions and authentication, that the
    middleware's process_exception never sees); otherwise the branded 500, rendered without the
    request's context processors so that it reads neither the session nor the menu."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return database_unavailable_response(request)
    title, text = _error_texts()[500]
    context = {
        "status": 500,
        "error_title": title,
        "error_text": text,
        "user": AnonymousUser(),
        "SIL_REGION_NAME": settings.SIL_REGION_NAME,
        "SIL_DEMO": settings.DEMO,
    }
    return HttpResponse(loader.render_to_string("500.html", context), status=500)
