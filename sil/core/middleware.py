"""Request-wide concerns: request ids, audit context, no caching of personal pages, and an
honest 503 while the database is unreachable."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

import pghistory
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """Accept a sane X-Request-ID from the proxy or make one; echo it back."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind trusted proxies (SIL_TRUSTED_PROXIES) it is the right-most
    X-Forwarded-For entry that is not itself a trusted proxy; anything else could be forged."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = set(settings.SIL_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [ip.strip() for ip in request.headers.get("X-Forwarded-For", "").split(",")]
    for candidate in reversed(forwarded):
        if candidate and candidate not in trusted:
            return candidate
    return remote


class AuditContextMiddleware:
    """Every database change made during a request carries who, office, IP and request id."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        user = getattr(request, "user", None)
        context = {
            "request_id": getattr(request, "request_id", ""),
            "ip": client_ip(request),
            "url": request.path,
            "method": request.method,
        }
        if user is not None and user.is_authenticated:
            context["user"] = user.pk
            context["username"] = user.get_username()
            office = getattr(user, "current_office_id", None)
            if office:
                context["office"] = office
        with pghistory.context(**context):
            return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user hold personal data: no browser or proxy may keep them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Italian unless the user chose otherwise with the language switcher (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a regional service is
    Italian first, and an operator's English browser should not switch it silently.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# --- database outage ------------------------------------------------------------------------
# How long clients are told to wait before trying again while the database is unreachable.
RETRY_AFTER_S = 30
# SQLSTATE classes of a lost or refused database: connection exceptions (08), insufficient
# resources such as too many connections (53), operator intervention such as a shutdown (57).
_OUTAGE_CLASSES = ("08", "53", "57")
_QUERY_CANCELED = "57014"  # a statement timeout: a slow query, not an outage


def is_database_outage(exc: BaseException) -> bool:
    """True for errors that mean "the database cannot be reached", not "this query failed"."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    if sqlstate is None:  # refused, dropped or timed-out connection: no server answer at all
        return True
    return sqlstate[:2] in _OUTAGE_CLASSES and sqlstate != _QUERY_CANCELED


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, the branded page for everything else.

    Rendered from a plain context (no context processors, an anonymous user): nothing may touch
    the database that is not there.
    """
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string
    from django.utils.translation import gettext

    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    response: HttpResponse
    with translation.override(language):
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "detail": gettext(
                        "Servizio temporaneamente non disponibile: riprovare tra poco."
                    ),
                    "code": "service_unavailable",
                },
                status=503,
            )
        else:
            context = {
                "request": request,
                "user": AnonymousUser(),
                "csrf_token": get_token(request),
                "nav_items": [],
                "messages": [],
                "breadcrumbs": [],
                "SIL_DEMO": settings.DEMO,
                "SIL_REGION_NAME": settings.SIL_REGION_NAME,
                "retry_after": RETRY_AFTER_S,
            }
            response = HttpResponse(render_to_string("core/unavailable.html", context), status=503)
        response["Content-Language"] = language
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database gone answers 503 (see database_unavailable_response).

    Errors raised by other middleware (sessions, authentication) never reach process_exception:
    Django turns them into its 500 handler, sil.core.views.server_error, which answers the same.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        logging.getLogger(__name__).error(
            "database unavailable: %s %s: %s", request.method, request.path, exception
        )
        return database_unavailable_response(request)


class RejectNulMiddleware:
    """A NUL character in the query string is never valid input, and PostgreSQL refuses it in
    text: answer 400 (JSON under /api/) before any view passes it to a query."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = gettext("I parametri della richiesta non possono contenere caratteri nulli.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
