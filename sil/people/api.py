"""REST API of the registry: people (scoped, every read logged), fiscal code checks, access log.

Writes go through the same actions as the pages; an operator who asks for a person of another
office gets 404, and the attempt is written to the access log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import AccessLoggedMixin, log_access
from sil.core.models import AccessAction, AccessLog
from sil.core.params import parse_id
from sil.people.actions import (
    EDITABLE_FIELDS,
    do_record_consent,
    do_register_person,
    do_update_person,
)
from sil.people.checks import check_fiscal_code
from sil.people.models import FiscalCodeChange, Person, PrivacyConsent

# The purpose written to the access log when an operator asks for someone out of scope.
ACCESS_LOG_PURPOSE = "access log"


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"non_field_errors": exc.messages})


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "fiscal_code",
            *EDITABLE_FIELDS,
            "competent_office",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "competent_office", "created_at", "updated_at"]
        extra_kwargs = {
            "sex": {"required": False},
            "birth_date": {"required": False},
            # The fiscal code is unique: the action answers "already registered" itself.
            "fiscal_code": {"validators": []},
        }

    def validate_fiscal_code(self, value: str) -> str:
        if self.instance is not None and value != self.instance.fiscal_code:
            raise serializers.ValidationError(
                _("Il codice fiscale non si modifica da qui."), code="immutable"
            )
        return value


class FiscalCodeChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FiscalCodeChange
        fields = ["id", "old_code", "new_code", "reason", "note", "at", "by"]
        read_only_fields = fields


class PrivacyConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrivacyConsent
        fields = ["id", "kind", "given", "at", "by"]
        read_only_fields = ["id", "at", "by"]


class AccessLogEntrySerializer(serializers.ModelSerializer):
    office = serializers.IntegerField(source="office_id", allow_null=True, read_only=True)

    class Meta:
        model = AccessLog
        fields = ["at", "username", "office", "action", "purpose"]
        read_only_fields = fields


class PersonViewSet(
    QueryParamsMixin,
    AccessLoggedMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """People of the caller's offices. `?q=` searches fiscal code (every omocodic variant),
    name (accents and typos tolerated, a year narrows to the birth year), telephone or e-mail;
    a name search returns the best 200 matches. `?office=` filters."""

    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    query_params = {
        "list": (
            QueryParam(
                "q",
                description="Codice fiscale, cognome e nome (anche con l'anno di nascita), "
                "telefono o e-mail",
            ),
            QueryParam("office", int, description="Id del CPI competente"),
        )
    }

    def get_queryset(self) -> QuerySet[Person]:
        people = Person.objects.for_operator(self.request.user)
        if "office" in self.query:
            people = people.filter(competent_office_id=self.query["office"])
        if self.query.get("q") and self.action == "list":
            return people.search(self.query["q"])
        return people.order_by("last_name", "first_name", "id")

    def get_object(self) -> Person:
        try:
            person: Person = super().get_object()
        except Http404:
            pk = parse_id(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
            outside = Person.objects.filter(pk=pk).first() if pk is not None else None
            if outside is not None:
                log_access(self.request, outside, AccessAction.DENIED)
            raise
        return person

    def perform_create(self, serializer: serializers.BaseSerializer[Person]) -> None:
        data = dict(serializer.validated_data)
        if Person.objects.filter(fiscal_code=data.get("fiscal_code", "")).exists():
            raise ValidationError(
                {"fiscal_code": [_("Una persona con questo codice fiscale è già registrata.")]}
            )
        try:
            result = do_register_person(data, by=self.request.user)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        serializer.instance = result.person

    def perform_update(self, serializer: serializers.BaseSerializer[Person]) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k in EDITABLE_FIELDS}
        person = serializer.instance
        assert person is not None  # an update always has its instance
        try:
            result = do_update_person(person, data, by=self.request.user)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        serializer.instance = result.person

    @extend_schema(responses=FiscalCodeChangeSerializer(many=True))
    @action(detail=True, url_path="fiscal-code-changes", methods=["get"], pagination_class=None)
    def fiscal_code_changes(self, request: Request, pk: str | None = None) -> Response:
        """The history of the person's codice fiscale, newest first."""
        person = self.get_object()
        log_access(request, person, AccessAction.API)
        changes = person.fiscal_code_changes.order_by("-at", "-id")
        return Response(FiscalCodeChangeSerializer(changes, many=True).data)

    @extend_schema(
        request=PrivacyConsentSerializer,
        responses={
            200: PrivacyConsentSerializer(many=True),
            201: PrivacyConsentSerializer,
        },
    )
    @action(detail=True, url_path="consents", methods=["get", "post"], pagination_class=None)
    def consents(self, request: Request, pk: str | None = None) -> Response:
        """Consents given and withdrawn (GET, newest first); POST records a new one."""
        person = self.get_object()
        if request.method == "POST":
            serializer = PrivacyConsentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            consent = do_record_consent(
                person,
                serializer.validated_data["kind"],
                given=serializer.validated_data["given"],
                by=request.user,
            )
            return Response(PrivacyConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
        log_access(request, person, AccessAction.API)
        consents = person.consents.order_by("-at", "-id")
        return Response(PrivacyConsentSerializer(consents, many=True).data)

    @extend_schema(responses=AccessLogEntrySerializer(many=True))
    @action(detail=True, url_path="access-log", methods=["get"])
    def access_log(self, request: Request, pk: str | None = None) -> Response:
        """Who consulted this person's data ("chi ha consultato i miei dati"), newest first."""
        person = self.get_object()
        log_access(request, person, AccessAction.API, purpose=ACCESS_LOG_PURPOSE)
        entries = AccessLog.objects.for_object(person).order_by("-at", "-id")
        page = self.paginate_queryset(entries)
        serializer = AccessLogEntrySerializer(page if page is not None else entries, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)


class FiscalCodeViewSet(viewsets.ViewSet):
    """Check and decode a codice fiscale (no person is read)."""

    lookup_field = "code"
    lookup_value_regex = "[^/]{1,32}"

    @extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            status.HTTP_200_OK: inline_serializer(
                "FiscalCodeCheck",
                {
                    "code": serializers.CharField(),
                    "valid": serializers.BooleanField(),
                    "errors": inline_serializer(
                        "FiscalCodeError",
                        {"code": serializers.CharField(), "message": serializers.CharField()},
                        many=True,
                    ),
                    "provisional": serializers.BooleanField(),
                    "sex": serializers.CharField(allow_null=True),
                    "birth_date": serializers.DateField(allow_null=True),
                    "birthplace": inline_serializer(
                        "FiscalCodeBirthplace",
                        {"code": serializers.CharField(), "name": serializers.CharField()},
                        allow_null=True,
                    ),
                    "omocodic": serializers.BooleanField(),
                },
            )
        },
    )
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        return Response(check_fiscal_code(code or ""))
