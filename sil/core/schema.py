"""The OpenAPI schema: declared query parameters and the errors every operation may answer.

Kept apart from sil.core.api, which DRF's settings import before drf-spectacular's AutoSchema
can be (it imports DRF's views).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from rest_framework import serializers


def _blank_model_choice(field: Any) -> bool:
    """A read-only choice field of a model field with blank=True: DRF drops allow_blank from
    read-only fields, yet the value read back may be "" (no choice made yet)."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or not isinstance(field.source, str) or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema plus the viewset's declared query parameters, blank read-only
    choices and read-only fields that default to None."""

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and not field.allow_blank
            and _blank_model_choice(field)
        ):
            field.allow_blank = True
        if field.read_only and field.default is None:
            # source="relation.attr", default=None: None when the relation is empty.
            field.allow_null = True
        return super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[no-untyped-call]

    def get_override_parameters(self) -> list[Any]:
        declared = list(super().get_override_parameters())
        action = getattr(self.view, "action", None) or ""
        names = {getattr(param, "name", None) for param in declared}
        for param in getattr(self.view, "query_params", {}).get(action, ()):
            if param.name not in names:
                declared.append(param)
        return declared


_ERRORS = {
    "400": "Richiesta non valida: i campi errati con i loro messaggi",
    "401": "Credenziali assenti o non valide",
    "403": "Operazione non consentita",
    "404": "Risorsa inesistente o fuori dal proprio ambito",
    "415": "Tipo di contenuto del corpo non accettato",
    "429": "Troppe richieste: riprovare più tardi",
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: every operation declares the errors DRF may answer, with their
    bodies (`{"detail": ...}`, or a map of field errors for 400)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["ValidationErrors"] = {
        "oneOf": [
            {"type": "object", "additionalProperties": True},
            {"type": "array", "items": {"type": "string"}},
        ],
        "description": "Field name (or non_field_errors, detail) → messages",
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete", "head", "options"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in _ERRORS.items():
                pages = any(p.get("name") == "page" for p in operation.get("parameters", []))
                if code == "404" and "{" not in path and not pages:
                    continue  # a list answers 404 only for a page past its end
                if code == "415" and "requestBody" not in operation:
                    continue
                body = "ValidationErrors" if code == "400" else "ErrorDetail"
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}
                        },
                    },
                )
    return result
