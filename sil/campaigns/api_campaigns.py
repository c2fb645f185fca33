"""REST API of campaigns and convocations.

GET  /api/v1/campaigns/                      campaigns (any operator)
POST /api/v1/campaigns/                      create a draft (region-wide roles, CPI managers)
GET  /api/v1/campaigns/<id>/                 one campaign
POST /api/v1/campaigns/<id>/transition/      {"target": "ready" | "draft" | "closed"}
POST /api/v1/campaigns/<id>/import/          multipart: file, dry_run → the import report
GET  /api/v1/campaigns/<id>/dry-run/         the dry run as JSON
GET  /api/v1/convocations/?campaign=&office=&state=   convocations of the caller's offices
                                                       (every row returned is access-logged)
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sil.campaigns import actions
from sil.campaigns.dryrun import dry_run
from sil.campaigns.importer import import_file
from sil.campaigns.machine import CampaignTransitionError, may_edit
from sil.campaigns.models import Campaign, CampaignState, Convocation, ConvocationState
from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import AccessLoggedMixin
from sil.core.permissions import scope_to_offices


def _operator(request: Request) -> None:
    user = request.user
    if not (getattr(user, "is_operator", False) or getattr(user, "is_superuser", False)):
        raise PermissionDenied


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"non_field_errors": exc.messages})


class CampaignSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "name",
            "programme",
            "state",
            "list_date",
            "starts_on",
            "deadline",
            "channels",
            "reminder_days",
            "appointment_minutes",
            "helpline",
            "sms_cost_cents",
            "created_at",
            "launched_at",
            "closed_at",
        ]
        read_only_fields = ["id", "state", "list_date", "created_at", "launched_at", "closed_at"]
        extra_kwargs = {"reminder_days": {"required": False}}


class ConvocationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    fiscal_code = serializers.CharField(source="person.fiscal_code", read_only=True)

    class Meta:
        model = Convocation
        fields = [
            "id",
            "campaign",
            "person",
            "fiscal_code",
            "household",
            "office",
            "state",
            "phone",
            "email",
            "appointment",
            "attempt",
            "row",
            "invited_at",
            "outcome",
            "outcome_at",
            "created_at",
        ]
        read_only_fields = fields


class CampaignViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.select_related("programme").order_by("-created_at", "-id")

    def get_queryset(self) -> QuerySet[Campaign]:
        _operator(self.request)
        return super().get_queryset()

    def perform_create(self, serializer: Any) -> None:
        if not may_edit(self.request.user):
            raise PermissionDenied
        try:
            serializer.instance = actions.do_create_campaign(
                serializer.validated_data, by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc

    @extend_schema(
        request=inline_serializer(
            "CampaignTransition", {"target": serializers.ChoiceField(CampaignState.choices)}
        ),
        responses=CampaignSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        target = str(request.data.get("target", ""))  # type: ignore[union-attr]
        if target not in CampaignState.values:
            raise ValidationError({"target": ["invalid"]})
        try:
            actions.do_move_campaign(campaign, target, by=request.user)
        except CampaignTransitionError as exc:
            if exc.messages and getattr(exc, "code", "") == "forbidden":
                raise PermissionDenied(exc.messages[0]) from exc
            raise ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "CampaignImportUpload",
                {"file": serializers.FileField(), "dry_run": serializers.BooleanField()},
            )
        },
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_list(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        if not may_edit(request.user):
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["required"]})
        dry = str(request.data.get("dry_run", "")).lower() in ("1", "true", "yes", "on")  # type: ignore[union-attr]
        suffix = ".xlsx" if (upload.name or "").lower().endswith(".xlsx") else ".csv"
        with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        path = Path(handle.name)
        try:
            report = import_file(
                path, campaign, dry_run=dry, by=request.user, file_name=upload.name or ""
            )
        finally:
            path.unlink(missing_ok=True)
        code = status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="dry-run")
    def dry_run(self, request: Request, pk: str | None = None) -> Response:
        return Response(dry_run(self.get_object()).as_dict())


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
)
class ConvocationViewSet(QueryParamsMixin, AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = ConvocationSerializer
    query_params = {
        "list": (
            QueryParam("campaign", int, description="Id della campagna"),
            QueryParam("office", int, description="Id del CPI"),
            QueryParam("state", enum=ConvocationState.values, description="Stato"),
        )
    }

    def get_queryset(self) -> QuerySet[Convocation]:
        _operator(self.request)
        queryset = scope_to_offices(
            Convocation.objects.select_related("person").order_by("id"),
            self.request.user,
            "office",
        )
        for name in ("campaign", "office"):
            if name in self.query:
                queryset = queryset.filter(**{f"{name}_id": self.query[name]})
        if "state" in self.query:
            queryset = queryset.filter(state=self.query["state"])
        return queryset


ROUTES: list[tuple[str, Any, str]] = [
    ("campaigns", CampaignViewSet, "campaign"),
    ("convocations", ConvocationViewSet, "convocation"),
]
