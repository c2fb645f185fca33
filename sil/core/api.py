"""API plumbing shared by every app: authentication, throttling, access logging, docs, tokens."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import authentication, exceptions, throttling
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings

from sil.accounts.middleware import has_mfa
from sil.accounts.models import UserKind
from sil.core.audit import AccessLoggedMixin, add_audit_user, audit_context
from sil.core.models import ApiTokenPolicy

__all__ = ["AccessLoggedMixin"]  # kept here too: viewsets import their plumbing from one place

# --- authentication ----------------------------------------------------------------------


def may_hold_token(user: Any) -> bool:
    """API tokens are for system accounts, or for people whose second factor is enrolled: a
    token is a password that never asks for the second factor, so it must not bypass it."""
    return getattr(user, "kind", None) == UserKind.SYSTEM or has_mfa(user)


# last_used_at is written at most this often per token (not one UPDATE per request).
_LAST_USE_RESOLUTION = timedelta(minutes=1)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF tokens for systems; the token's user also names the audit context of writes.

    Checked at every use, not only when issued: an expired token, a token without a recorded
    expiry, and the token of a person who has no second factor (never enrolled, or removed
    since) are refused.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            add_audit_user(result[0])
        return result

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        policy = ApiTokenPolicy.objects.filter(token_id=token.pk).first()
        if policy is None or policy.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Token scaduto: chiederne uno nuovo."))
        if not may_hold_token(user):
            raise exceptions.AuthenticationFailed(
                _(
                    "I token API sono riservati alle utenze di sistema e a chi ha attivato "
                    "l'autenticazione a due fattori."
                )
            )
        ApiTokenPolicy.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - _LAST_USE_RESOLUTION),
            pk=token.pk,
        ).update(last_used_at=now)
        return user, token


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


# --- tokens ------------------------------------------------------------------------------


class ApiTokenError(Exception):
    pass


def _user_by_email(email: str) -> Any:
    user_model = get_user_model()
    try:
        return user_model.objects.get(email__iexact=email)
    except user_model.DoesNotExist as exc:
        raise ApiTokenError(_("Nessun utente con e-mail %(email)s.") % {"email": email}) from exc


def do_issue_api_token(email: str, *, rotate: bool = False, days: int | None = None) -> str:
    """Create the user's API token and return its key (shown once by the caller).

    The token expires after `days` (at most SIL_API_TOKEN_DAYS, the default).
    """
    longest = int(settings.SIL_API_TOKEN_DAYS)
    days = longest if days is None else days
    if not 1 <= days <= longest:
        raise ApiTokenError(_("La durata del token va da 1 a %(days)d giorni.") % {"days": longest})
    with transaction.atomic(), audit_context(action="issue_api_token", email=email):
        user = _user_by_email(email)
        if not user.is_active:
            raise ApiTokenError(_("L'utente %(email)s non è attivo.") % {"email": email})
        if not may_hold_token(user):
            raise ApiTokenError(
                _(
                    "L'utente %(email)s non ha un secondo fattore attivo: i token API sono "
                    "riservati alle utenze di sistema e a chi ha attivato l'autenticazione a "
                    "due fattori."
                )
                % {"email": email}
            )
        existing = Token.objects.filter(user=user)
        if existing.exists():
            if not rotate:
                raise ApiTokenError(
                    _("L'utente %(email)s ha già un token: usare --rotate per sostituirlo.")
                    % {"email": email}
                )
            existing.delete()
        token = Token.objects.create(user=user)
        ApiTokenPolicy.objects.create(token=token, expires_at=timezone.now() + timedelta(days=days))
        return str(token.key)


def do_revoke_api_token(email: str) -> bool:
    """Delete the user's API token; False when there was none."""
    with transaction.atomic(), audit_context(action="revoke_api_token", email=email):
        user = _user_by_email(email)
        deleted, _rows = Token.objects.filter(user=user).delete()
        return deleted > 0


# --- query parameters --------------------------------------------------------------------

# One declaration per query parameter serves both the schema (sil.core.api.AutoSchema adds it
# to the operation) and the request: QueryParamsMixin parses every declared parameter before
# the view runs and answers 400 with a field error for a value of the wrong kind, so nothing
# unparsed reaches the database.

_MAX_ID = 2**63 - 1  # ids are bigint
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QueryParam(OpenApiParameter):
    """A documented and validated query parameter: `kind` is int, bool, date, str or an enum."""

    def __init__(
        self,
        name: str,
        kind: Any = str,
        *,
        description: str = "",
        enum: Sequence[str] | None = None,
        required: bool = False,
        max_length: int = 200,
        min_value: int = 0,
    ) -> None:
        schema_type = {
            int: OpenApiTypes.INT,
            bool: OpenApiTypes.BOOL,
            date: OpenApiTypes.DATE,
            str: OpenApiTypes.STR,
        }[kind]
        super().__init__(
            name,
            schema_type,
            OpenApiParameter.QUERY,
            required=required,
            description=description,
            enum=list(enum) if enum is not None else None,
        )
        self.kind = kind
        self.max_length = max_length
        self.min_value = min_value

    def parse(self, raw: str) -> Any:
        """The typed value of `raw`; raises ValueError with an Italian message."""
        if self.enum is not None:
            if raw not in self.enum:
                raise ValueError(
                    _("Valore non ammesso: scegliere tra %(choices)s.")
                    % {"choices": ", ".join(str(choice) for choice in self.enum)}
                )
            return raw
        if self.kind is int:
            if not raw.isascii() or not raw.isdigit() or not self.min_value <= int(raw) <= _MAX_ID:
                raise ValueError(
                    _("Indicare un numero intero non inferiore a %(min)d.")
                    % {"min": self.min_value}
                )
            return int(raw)
        if self.kind is bool:
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError(_("Indicare true o false."))
            return raw.lower() in ("true", "1")
        if self.kind is date:
            try:
                if not _DATE.match(raw):
                    raise ValueError(raw)
                return date.fromisoformat(raw)
            except ValueError:
                raise ValueError(_("Data non valida (AAAA-MM-GG).")) from None
        if len(raw) > self.max_length:
            raise ValueError(_("Al massimo %(max)d caratteri.") % {"max": self.max_length})
        return raw


def parse_query_params(request: Request, params: Sequence[QueryParam]) -> dict[str, Any]:
    """The declared parameters present in the request, typed; an empty value counts as absent.
    Every wrong value is reported at once, each under its parameter's name."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for param in params:
        raw = request.query_params.get(param.name, "")
        if raw == "":
            if param.required:
                errors[param.name] = [_("Parametro obbligatorio.")]
            continue
        try:
            values[param.name] = param.parse(raw)
        except ValueError as exc:
            errors[param.name] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return values


class QueryParamsMixin:
    """For viewsets: `query_params` maps an action to its parameters; `self.query` holds their
    typed values once the request is authenticated and allowed."""

    query_params: ClassVar[dict[str, Sequence[QueryParam]]] = {}
    query: Mapping[str, Any] = MappingProxyType({})  # before initial(): schema generation

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        action = getattr(self, "action", None) or ""
        self.query = parse_query_params(request, self.query_params.get(action, ()))
