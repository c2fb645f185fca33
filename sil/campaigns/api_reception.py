"""REST API of the reception desk: the day list, the outcome of a convocation, sanctions export.

GET  /api/v1/campaign-reception/?office=<id>&day=YYYY-MM-DD   who is expected (scoped, logged)
POST /api/v1/campaign-reception/<convocation id>/outcome/     {"outcome": "...", "note": "..."}
GET  /api/v1/campaign-sanctions/?campaign=<id>[&batch=…]      events not yet transmitted (JSON)
GET  /api/v1/campaign-sanctions/export/?campaign=<id>&export_format=csv|json[&batch=…]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sil.campaigns import outcomes, sanctions
from sil.campaigns.models import Campaign, Convocation, Outcome, SanctionEvent
from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.params import parse_id
from sil.core.permissions import visible_office_ids


def _operator(request: Request) -> None:
    user = request.user
    if not (getattr(user, "is_operator", False) or getattr(user, "is_superuser", False)):
        raise PermissionDenied


class ReceptionEntrySerializer(serializers.ModelSerializer[Convocation]):
    fiscal_code = serializers.CharField(source="person.fiscal_code", read_only=True)
    last_name = serializers.CharField(source="person.last_name", read_only=True)
    first_name = serializers.CharField(source="person.first_name", read_only=True)
    campaign_slug = serializers.CharField(source="campaign.slug", read_only=True)
    appointment_id = serializers.IntegerField(read_only=True, allow_null=True)
    starts_at = serializers.DateTimeField(
        source="appointment.starts_at", read_only=True, allow_null=True
    )
    appointment_status = serializers.CharField(
        source="appointment.status", read_only=True, allow_null=True
    )
    # Plain strings: the choice sets are documented on the models, not repeated as enums.
    state = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)

    class Meta:
        model = Convocation
        fields = [
            "id",
            "campaign",
            "campaign_slug",
            "person",
            "fiscal_code",
            "last_name",
            "first_name",
            "office",
            "state",
            "attempt",
            "appointment_id",
            "starts_at",
            "appointment_status",
            "outcome",
            "outcome_at",
            "outcome_note",
        ]
        read_only_fields = fields


class ConvocationOutcomeSerializer(serializers.Serializer[dict[str, Any]]):
    # A plain string (codes checked below) keeps the schema free of a second "outcome" enum.
    outcome = serializers.CharField(
        max_length=12, help_text="Codice di esito: " + ", ".join(Outcome.values)
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate_outcome(self, value: str) -> str:
        if value not in Outcome.values:
            raise serializers.ValidationError(_("Esito non valido."), code="invalid")
        return value


class ReceptionViewSet(
    QueryParamsMixin, mixins.ListModelMixin, viewsets.GenericViewSet[Convocation]
):
    """Convocations with an appointment at one CPI on one day (today by default), in time
    order; only the CPIs of the caller. POST …/<id>/outcome/ records the outcome."""

    serializer_class = ReceptionEntrySerializer
    pagination_class = None
    queryset = Convocation.objects.none()
    lookup_value_regex = "[0-9]+"
    query_params = {
        "list": (
            QueryParam("office", int, required=True, description="Id del CPI"),
            QueryParam("day", dt.date, description="Giorno (oggi se assente)"),
        )
    }

    def _scoped(self) -> QuerySet[Convocation]:
        _operator(self.request)
        offices = visible_office_ids(self.request.user)
        queryset = Convocation.objects.select_related("person", "appointment", "campaign")
        if offices is None:
            return queryset
        return queryset.filter(office_id__in=sorted(offices))

    def get_queryset(self) -> QuerySet[Convocation]:
        return self._scoped()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _operator(request)
        office = self.query["office"]
        offices = visible_office_ids(request.user)
        if offices is not None and office not in offices:
            raise PermissionDenied(_("Il CPI non è tra i suoi uffici."))
        day = self.query.get("day") or timezone.localdate()
        convocations = list(outcomes.day_list(office, day))
        log_access(request, [c.person for c in convocations], AccessAction.API_LIST)
        return Response(self.get_serializer(convocations, many=True).data)

    @extend_schema(
        request=ConvocationOutcomeSerializer,
        responses=ReceptionEntrySerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        key = parse_id(pk) if pk is not None else None
        convocation = self._scoped().filter(pk=key).first() if key is not None else None
        if convocation is None:
            outside = Convocation.objects.filter(pk=key).first() if key is not None else None
            if outside is not None:
                log_access(request, outside.person, AccessAction.DENIED)
            raise Http404
        serializer = ConvocationOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            outcomes.do_record_outcome(
                convocation,
                serializer.validated_data["outcome"],
                by=request.user,
                note=serializer.validated_data["note"].strip(),
            )
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from None
        convocation = self._scoped().get(pk=convocation.pk)
        return Response(self.get_serializer(convocation).data)


class SanctionEventSerializer(serializers.ModelSerializer[SanctionEvent]):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = SanctionEvent
        fields = [
            "id",
            "convocation",
            "person",
            "programme",
            "code",
            "occurred_on",
            "recorded_at",
            "exported_at",
            "export_batch",
        ]
        read_only_fields = fields


_CAMPAIGN = QueryParam("campaign", int, required=True, description="Id della campagna")
_BATCH = QueryParam("batch", description="Un lotto già trasmesso", max_length=40)


class SanctionEventViewSet(QueryParamsMixin, viewsets.GenericViewSet[SanctionEvent]):
    """Sanctionable events of a campaign not yet transmitted (or those of ?batch=), and their
    export in the national platform's layout. Operators of a CPI see their own offices."""

    serializer_class = SanctionEventSerializer
    queryset = SanctionEvent.objects.none()
    query_params = {
        "list": (_CAMPAIGN, _BATCH),
        "export": (
            _CAMPAIGN,
            QueryParam("export_format", enum=[*sanctions.FORMATS], description="json o csv"),
            _BATCH,
        ),
    }

    def _campaign(self, request: Request) -> Campaign:
        _operator(request)
        campaign = Campaign.objects.filter(pk=self.query["campaign"]).first()
        if campaign is None:
            raise ValidationError({"campaign": [_("Campagna inesistente.")]})
        return campaign

    def _offices(self, request: Request) -> set[int] | None:
        offices = visible_office_ids(request.user)
        if offices is not None and not offices:
            raise PermissionDenied
        return offices

    @extend_schema(responses=SanctionEventSerializer(many=True))
    def list(self, request: Request) -> Response:
        campaign = self._campaign(request)
        selected = sanctions.events(
            campaign,
            batch=self.query.get("batch", ""),
            offices=self._offices(request),
        )
        page = self.paginate_queryset(selected)
        records = list(page if page is not None else selected)
        log_access(request, [e.person for e in records], AccessAction.API_LIST)
        data = self.get_serializer(records, many=True).data
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="CSV o JSON")},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """The file for the national platform (not marked as transmitted: use the CLI or the
        campaign page to mark a batch)."""
        campaign = self._campaign(request)
        fmt = self.query.get("export_format", "json")
        try:
            result = sanctions.export(
                campaign,
                fmt,
                batch=self.query.get("batch", ""),
                offices=self._offices(request),
            )
        except sanctions.SanctionExportError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        log_access(request, [e.person for e in result.events], AccessAction.EXPORT)
        content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        response = HttpResponse(result.content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="eventi-sanzionabili-{campaign.slug}.{fmt}"'
        )
        return response


ROUTES: list[tuple[str, Any, str]] = [
    ("campaign-reception", ReceptionViewSet, "campaign-reception"),
    ("campaign-sanctions", SanctionEventViewSet, "campaign-sanction"),
]
