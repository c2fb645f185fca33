"""REST API of DIDs: read DIDs and their events, declare a DID, move its state machine.

Scoped to the operator's offices (the person's competent office); every read logged; every
write through sil.did.actions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import AccessLoggedMixin, log_access
from sil.core.models import AccessAction
from sil.did import actions
from sil.did.machine import DidTransitionError, allowed_kinds
from sil.did.models import Did, DidEvent, IncomeKind, LapseReason
from sil.did.seniority import seniority
from sil.people.models import Person


# Plain strings where an enum of the same choices is already named elsewhere in the schema
# (drf-spectacular warns on one choice set under several names).
def _code(help_text: str) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=help_text)


class DidEventSerializer(serializers.ModelSerializer):
    state_before = _code("Stato prima dell'evento (vuoto per la dichiarazione).")
    state_after = _code("Stato dopo l'evento: active, suspended, conserved, lapsed, revoked.")
    reason = _code("Motivo della decadenza, come `reason` delle operazioni.")

    class Meta:
        model = DidEvent
        fields = [
            "id",
            "did",
            "kind",
            "state_before",
            "state_after",
            "effective_date",
            "reason",
            "note",
            "source_reference",
            "income_kind",
            "projected_annual_income",
            "recorded_at",
            "recorded_by_name",
        ]
        read_only_fields = fields


class SenioritySerializer(serializers.Serializer):
    days = serializers.IntegerField()
    long_term = serializers.BooleanField()
    six_months = serializers.BooleanField()


class DidSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    seniority = serializers.SerializerMethodField()
    allowed_events = serializers.SerializerMethodField()
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    lapse_reason = _code("Motivo della decadenza, come `reason` delle operazioni.")

    class Meta:
        model = Did
        fields = [
            "id",
            "person",
            "did_date",
            "national_id",
            "channel",
            "state",
            "state_since",
            "ended_on",
            "lapse_reason",
            "seniority",
            "allowed_events",
            "note",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "state_since",
            "ended_on",
            "lapse_reason",
            "created_at",
        ]
        # The one-open-DID rule is the action's (with an Italian message), not the serializer's.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = Person.objects.for_operator(request.user)  # type: ignore[attr-defined]

    @extend_schema_field(SenioritySerializer)
    def get_seniority(self, did: Did) -> dict[str, Any]:
        value = seniority(did, timezone.localdate())
        return {"days": value.days, "long_term": value.long_term, "six_months": value.six_months}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_events(self, did: Did) -> list[str]:
        return [str(kind) for kind in allowed_kinds(did.state)]


class DidOperationSerializer(serializers.Serializer):
    """A move of the state machine: job_start (suspend, conserve or lapse by income),
    job_end (resume), lapse, revoke."""

    operation = serializers.ChoiceField(choices=["job_start", "job_end", "lapse", "revoke"])
    effective_date = serializers.DateField()
    projected_annual_income = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    income_kind = serializers.ChoiceField(
        choices=IncomeKind.choices, required=False, default=IncomeKind.EMPLOYEE
    )
    reason = serializers.ChoiceField(choices=LapseReason.choices, required=False)
    source_reference = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["operation"] == "job_start" and "projected_annual_income" not in attrs:
            raise serializers.ValidationError(
                {"projected_annual_income": _("Indicare il reddito annuo previsto.")}
            )
        if attrs["operation"] == "lapse" and "reason" not in attrs:
            raise serializers.ValidationError({"reason": _("Indicare il motivo della decadenza.")})
        return attrs


def _as_drf_error(exc: DidTransitionError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class DidViewSet(
    QueryParamsMixin,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """DIDs of the people of the caller's offices; `?person=` filters by person."""

    serializer_class = DidSerializer
    query_params = {"list": (QueryParam("person", int, description="Id della persona"),)}

    def get_queryset(self) -> QuerySet[Did]:
        dids = Did.objects.for_operator(self.request.user).with_history()
        if "person" in self.query:
            dids = dids.filter(person_id=self.query["person"])
        return dids.order_by("-did_date", "-id")

    def perform_create(self, serializer: serializers.BaseSerializer[Did]) -> None:
        data = serializer.validated_data
        try:
            did = actions.do_declare_did(
                data["person"],
                data["did_date"],
                data["channel"],
                national_id=data.get("national_id", ""),
                note=data.get("note", ""),
                by=self.request.user,
            )
        except DidTransitionError as exc:
            raise _as_drf_error(exc) from exc
        serializer.instance = Did.objects.with_history().get(pk=did.pk)

    @extend_schema(methods=["GET"], responses=DidEventSerializer(many=True), request=None)
    @extend_schema(
        methods=["POST"], request=DidOperationSerializer, responses={201: DidEventSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        did = self.get_object()
        if request.method == "GET":
            events = list(did.events.all())
            log_access(request, events, AccessAction.API_LIST)
            return Response(DidEventSerializer(events, many=True).data)
        operation = DidOperationSerializer(data=request.data)
        operation.is_valid(raise_exception=True)
        data = operation.validated_data
        day = data["effective_date"]
        try:
            if data["operation"] == "job_start":
                event = actions.do_suspend(
                    did,
                    day,
                    data["projected_annual_income"],
                    income_kind=data["income_kind"],
                    source_reference=data["source_reference"],
                    note=data["note"],
                    by=request.user,
                )
            elif data["operation"] == "job_end":
                event = actions.do_resume(
                    did,
                    day,
                    source_reference=data["source_reference"],
                    note=data["note"],
                    by=request.user,
                )
            elif data["operation"] == "lapse":
                event = actions.do_lapse(
                    did, day, data["reason"], note=data["note"], by=request.user
                )
            else:
                event = actions.do_revoke(did, day, note=data["note"], by=request.user)
        except DidTransitionError as exc:
            raise _as_drf_error(exc) from exc
        return Response(DidEventSerializer(event).data, status=status.HTTP_201_CREATED)
