"""REST API of the employers app: ROUTES are registered in the app's AppConfig.ready().

Operators only (any office: firms are not personal data; a sole trader's codice fiscale is,
so reads of sole traders are written to the access log). Creating is open to every operator;
changes follow sil.employers.queries.can_edit_employer. Writes go through the actions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sil.classifications.models import EconomicActivity
from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.permissions import ApiRolePermission
from sil.employers.actions import (
    ATECO_EDITIONS,
    EDITABLE_FIELDS,
    SITE_FIELDS,
    do_add_site,
    do_register_employer,
    do_update_employer,
    do_update_site,
)
from sil.employers.models import Employer, EmployerSite
from sil.employers.queries import can_edit_employer, employers_for_operator
from sil.employers.views import search
from sil.territory.models import Municipality


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in exc.message_dict.items()
            }
        )
    return ValidationError({"non_field_errors": exc.messages})


class IsOperator(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (getattr(user, "is_operator", False) or user.is_superuser)
        )


class CurrentMunicipalityField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> QuerySet[Municipality]:
        return Municipality.objects.current()


class EconomicActivityField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> QuerySet[EconomicActivity]:
        return EconomicActivity.objects.filter(edition__in=ATECO_EDITIONS)


class EmployerSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    municipality = CurrentMunicipalityField()
    economic_activity = EconomicActivityField(required=False, allow_null=True)
    ateco_code = serializers.CharField(
        source="economic_activity.code", read_only=True, allow_null=True
    )
    ateco_edition = serializers.CharField(
        source="economic_activity.edition", read_only=True, allow_null=True
    )

    class Meta:
        model = Employer
        fields = [
            "id",
            "fiscal_code",
            "vat_number",
            *EDITABLE_FIELDS,
            "ateco_code",
            "ateco_edition",
            "ateco_section",
            "directory_consent",
            "directory_consent_at",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "ateco_section",
            "directory_consent",
            "directory_consent_at",
            "is_active",
            "created_at",
            "updated_at",
        ]
        extra_kwargs: dict[str, dict[str, Any]] = {
            # Checked by the actions, with Italian messages (uniqueness included).
            "fiscal_code": {"validators": []},
            "website": {"validators": []},
        }

    def validate_fiscal_code(self, value: str) -> str:
        if self.instance is not None and value != self.instance.fiscal_code:
            raise serializers.ValidationError(
                _("Il codice fiscale non si modifica da qui."), code="immutable"
            )
        return value


class EmployerSiteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    municipality = CurrentMunicipalityField()

    class Meta:
        model = EmployerSite
        fields = ["id", "employer", *SITE_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["id", "employer", "created_at", "updated_at"]


def _log_sole_traders(request: Any, employers: list[Employer], action: str) -> None:
    personal = [employer for employer in employers if employer.is_sole_trader]
    if personal:
        log_access(request, personal, action)


class EmployerViewSet(
    QueryParamsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]
):
    """Employers. `?q=` searches name, codice fiscale or partita IVA; `?ateco=` a section
    letter or the start of a code; `?municipality=` the id of the seat's comune; `?active=`."""

    serializer_class = EmployerSerializer
    permission_classes = [ApiRolePermission, IsOperator]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    query_params = {
        "list": (
            QueryParam("q", description="Ragione sociale, codice fiscale o P. IVA"),
            QueryParam(
                "ateco", description="Sezione ATECO (lettera) o inizio codice", max_length=12
            ),
            QueryParam("municipality", int, description="Id del comune della sede legale"),
            QueryParam("active", bool, description="Solo attive (true) o cessate (false)"),
        )
    }

    def get_queryset(self) -> QuerySet[Employer]:
        employers = employers_for_operator(self.request.user).select_related("economic_activity")
        params = self.query
        if self.action == "list":
            employers = search(employers, params.get("q", ""))
            ateco = params.get("ateco", "").strip().upper()
            if len(ateco) == 1 and ateco.isalpha():
                employers = employers.filter(ateco_section=ateco)
            elif ateco:
                employers = employers.filter(economic_activity__code__startswith=ateco)
            if "municipality" in params:
                employers = employers.filter(municipality_id=params["municipality"])
            if "active" in params:
                employers = employers.filter(is_active=params["active"])
        return employers.order_by("name", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        records = list(page if page is not None else queryset)
        _log_sole_traders(request, records, AccessAction.API_LIST)
        serializer = self.get_serializer(records, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        employer = self.get_object()
        _log_sole_traders(request, [employer], AccessAction.API)
        return Response(self.get_serializer(employer).data)

    def perform_create(self, serializer: serializers.BaseSerializer[Employer]) -> None:
        try:
            serializer.instance = do_register_employer(
                dict(serializer.validated_data), by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def perform_update(self, serializer: serializers.BaseSerializer[Employer]) -> None:
        employer = serializer.instance
        assert employer is not None  # an update always has its instance
        if not can_edit_employer(self.request.user, employer):
            raise PermissionDenied(_("L'impresa è seguita da un altro ufficio."))
        fields = (*EDITABLE_FIELDS, "vat_number")
        data = {k: v for k, v in serializer.validated_data.items() if k in fields}
        try:
            serializer.instance = do_update_employer(
                employer, data, by=self.request.user, fields=fields
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None


EMPLOYER_ID = OpenApiParameter("employer_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(parameters=[EMPLOYER_ID])
class EmployerSiteViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]
):
    """The operating sites of one employer."""

    serializer_class = EmployerSiteSerializer
    permission_classes = [ApiRolePermission, IsOperator]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def employer(self) -> Employer:
        if not hasattr(self, "_employer"):
            self._employer = get_object_or_404(
                employers_for_operator(self.request.user), pk=self.kwargs["employer_id"]
            )
        return self._employer

    def get_queryset(self) -> QuerySet[EmployerSite]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no URL kwargs
            return EmployerSite.objects.none()
        return EmployerSite.objects.filter(employer=self.employer()).order_by("name", "id")

    def _check_edit(self) -> Employer:
        employer = self.employer()
        if not can_edit_employer(self.request.user, employer):
            raise PermissionDenied(_("L'impresa è seguita da un altro ufficio."))
        return employer

    def perform_create(self, serializer: serializers.BaseSerializer[EmployerSite]) -> None:
        employer = self._check_edit()
        try:
            serializer.instance = do_add_site(
                employer, dict(serializer.validated_data), by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def perform_update(self, serializer: serializers.BaseSerializer[EmployerSite]) -> None:
        self._check_edit()
        site = serializer.instance
        assert site is not None
        try:
            serializer.instance = do_update_site(
                site, dict(serializer.validated_data), by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None


ROUTES: list[tuple[str, Any, str]] = [
    ("employers", EmployerViewSet, "employer"),
    (r"employers/(?P<employer_id>[0-9]+)/sites", EmployerSiteViewSet, "employer-site"),
]
