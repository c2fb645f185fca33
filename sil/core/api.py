"""API plumbing shared by every app: authentication, throttling, access logging, docs, tokens."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, throttling
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.settings import api_settings

from sil.accounts.middleware import has_mfa
from sil.core.audit import AccessLoggedMixin, add_audit_user, audit_context

__all__ = ["AccessLoggedMixin"]  # kept here too: viewsets import their plumbing from one place

# --- authentication ----------------------------------------------------------------------


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF tokens for systems; the token's user also names the audit context of writes."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            add_audit_user(result[0])
        return result


class MFASessionAuthentication(authentication.SessionAuthentication):
    """Browser sessions reach the API only once an operator has a second factor."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if getattr(user, "is_operator", False) and not has_mfa(user):
            return None
        add_audit_user(user)
        return user, auth


class MFASessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "sil.core.api.MFASessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


# --- throttling --------------------------------------------------------------------------


# DRF copies the rates into a class attribute at import; these read them per request instead,
# so changed settings (and test overrides) take effect.


class AnonRateThrottle(throttling.AnonRateThrottle):
    def __init__(self) -> None:
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        super().__init__()


class UserRateThrottle(throttling.UserRateThrottle):
    def __init__(self) -> None:
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        super().__init__()


# --- documentation -----------------------------------------------------------------------

# Shown when Swagger UI cannot be served from our own origin (see SWAGGER_UI_DIST in settings).
_DOCS_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ LANGUAGE_CODE }}">
<head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="{{ css }}"></head>
<body><main class="container my-4">
<h1>{{ title }}</h1>
<p>{{ intro }}</p>
<p><a href="{{ schema_url }}">{{ schema_label }} (YAML)</a> ·
<a href="{{ schema_url }}?format=json">JSON</a></p>
<table class="table">
<thead><tr><th scope="col">{{ method_label }}</th><th scope="col">{{ path_label }}</th>
<th scope="col">{{ summary_label }}</th></tr></thead>
<tbody>{% for op in operations %}
<tr><td><code>{{ op.method }}</code></td><td><code>{{ op.path }}</code></td>
<td>{{ op.summary }}</td></tr>{% endfor %}
</tbody></table>
</main></body></html>
"""


@functools.lru_cache(maxsize=8)
def _operations(language: str) -> list[dict[str, str]]:
    # Cached per process and language: the page is public and generating the schema is costly.
    # Imported here: DRF's views import this module (auth classes) while they load.
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            summary = operation.get("summary") or operation.get("description", "")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": summary or operation.get("operationId", ""),
                }
            )
    return operations


def api_docs(request: HttpRequest) -> HttpResponse:
    """/api/docs/: Swagger UI when it can be served from our origin, else a list of operations."""
    if settings.SWAGGER_UI_DIST:
        from drf_spectacular.views import SpectacularSwaggerSplitView

        view = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        return view(request)
    template = engines["django"].from_string(_DOCS_TEMPLATE)
    context = {
        "title": _("API di OpenSIL"),
        "intro": _(
            "Autenticazione: token (intestazione «Authorization: Token …», rilasciato con "
            "«sil apitoken create») oppure sessione del browser con secondo fattore."
        ),
        "schema_url": reverse("api-schema"),
        "schema_label": _("Schema OpenAPI 3"),
        "method_label": _("Metodo"),
        "path_label": _("Percorso"),
        "summary_label": _("Descrizione"),
        "css": settings.STATIC_URL + "bootstrap-italia/css/bootstrap-italia.min.css",
        "operations": _operations(get_language()),
    }
    return HttpResponse(template.render(context, request))


# --- tokens ------------------------------------------------------------------------------


class ApiTokenError(Exception):
    pass


def _user_by_email(email: str) -> Any:
    user_model = get_user_model()
    try:
        return user_model.objects.get(email__iexact=email)
    except user_model.DoesNotExist as exc:
        raise ApiTokenError(_("Nessun utente con e-mail %(email)s.") % {"email": email}) from exc


def do_issue_api_token(email: str, *, rotate: bool = False) -> str:
    """Create the user's API token and return its key (shown once by the caller)."""
    with transaction.atomic(), audit_context(action="issue_api_token", email=email):
        user = _user_by_email(email)
        if not user.is_active:
            raise ApiTokenError(_("L'utente %(email)s non è attivo.") % {"email": email})
        existing = Token.objects.filter(user=user)
        if existing.exists():
            if not rotate:
                raise ApiTokenError(
                    _("L'utente %(email)s ha già un token: usare --rotate per sostituirlo.")
                    % {"email": email}
                )
            existing.delete()
        return str(Token.objects.create(user=user).key)


def do_revoke_api_token(email: str) -> bool:
    """Delete the user's API token; False when there was none."""
    with transaction.atomic(), audit_context(action="revoke_api_token", email=email):
        user = _user_by_email(email)
        deleted, _rows = Token.objects.filter(user=user).delete()
        return deleted > 0
