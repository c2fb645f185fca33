"""REST API of services: policies, their events, profiling as received, GOL assessments.

Filter by person with ?person=; scoped to the caller's offices; reads logged; writes through
the actions. Events, profilings and assessments are appended, never edited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from sil.core.api import QueryParamsMixin
from sil.core.audit import AccessLoggedMixin
from sil.dossier.api import PERSON_FILTER, PersonScopedField, drf_error
from sil.services.actions import (
    POLICY_FIELDS,
    do_add_policy,
    do_add_policy_event,
    do_assess_gol,
    do_record_profiling,
    do_remove_policy,
    do_update_policy,
)
from sil.services.models import (
    GolAssessment,
    GolPath,
    Policy,
    PolicyEvent,
    PolicyEventCode,
    Profiling,
)
from sil.services.pact_api import ServicePactViewSet


class PolicyScopedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> QuerySet[Policy]:
        request = self.context.get("request")
        return Policy.objects.for_operator(getattr(request, "user", None))


class PolicySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    person = PersonScopedField()

    class Meta:
        model = Policy
        fields = ["id", "person", *POLICY_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list[Any] = []


class PolicyEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    policy = PolicyScopedField()
    code = serializers.SlugRelatedField(slug_field="code", queryset=PolicyEventCode.objects.all())

    class Meta:
        model = PolicyEvent
        fields = ["id", "policy", "code", "date", "created_at"]
        read_only_fields = ["id", "created_at"]


class ProfilingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    person = PersonScopedField()

    class Meta:
        model = Profiling
        fields = [
            "id",
            "person",
            "index",
            "profiling_class",
            "model_version",
            "profiled_on",
            "source",
            "received_at",
        ]
        read_only_fields = ["id", "received_at"]


class GolAssessmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    person = PersonScopedField()
    path = serializers.SlugRelatedField(slug_field="number", queryset=GolPath.objects.all())

    class Meta:
        model = GolAssessment
        fields = [
            "id",
            "person",
            "path",
            "profiling",
            "decided_on",
            "operator",
            "override",
            "override_reason",
            "created_at",
        ]
        read_only_fields = ["id", "operator", "created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profiling"].queryset = Profiling.objects.for_operator(  # type: ignore[attr-defined]
            getattr(self.context.get("request"), "user", None)
        )


class _Scoped(QueryParamsMixin, AccessLoggedMixin):
    model: Any
    person_lookup = "person_id"
    request: Any
    query_params = {"list": (PERSON_FILTER,)}

    def get_queryset(self) -> QuerySet[Any]:
        rows = self.model.objects.for_operator(self.request.user)
        if "person" in self.query:
            rows = rows.filter(**{self.person_lookup: self.query["person"]})
        return rows.order_by("id")  # type: ignore[no-any-return]


class PolicyViewSet(_Scoped, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Active policies of the people of the caller's offices."""

    model = Policy
    serializer_class = PolicySerializer

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        person = data.pop("person")
        try:
            serializer.instance = do_add_policy(person, data, by=self.request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None

    def perform_update(self, serializer: Any) -> None:
        try:
            serializer.instance = do_update_policy(
                serializer.instance, serializer.validated_data, by=self.request.user
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None

    def perform_destroy(self, instance: Any) -> None:
        do_remove_policy(instance, by=self.request.user)


class _AppendOnly(
    _Scoped,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    pass


class PolicyEventViewSet(_AppendOnly):
    """Events of policies (SAP codes 01–15); the date must match the policy date the code names."""

    model = PolicyEvent
    serializer_class = PolicyEventSerializer
    person_lookup = "policy__person_id"

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("code")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        policy = data.pop("policy")
        try:
            serializer.instance = do_add_policy_event(policy, data, by=self.request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None


class ProfilingViewSet(_AppendOnly):
    """Profiling as received from the national node: stored, never recomputed."""

    model = Profiling
    serializer_class = ProfilingSerializer

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        person = data.pop("person")
        try:
            serializer.instance = do_record_profiling(person, data, by=self.request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None


class GolAssessmentViewSet(_AppendOnly):
    """The operator's GOL pathway decisions (an override needs its reason, GDPR art. 22)."""

    model = GolAssessment
    serializer_class = GolAssessmentSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("path")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        person = data.pop("person")
        try:
            serializer.instance = do_assess_gol(person, data, by=self.request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None


ROUTES: list[tuple[str, type, str]] = [
    ("policies", PolicyViewSet, "policy"),
    ("policy-events", PolicyEventViewSet, "policy-event"),
    ("profilings", ProfilingViewSet, "profiling"),
    ("gol-assessments", GolAssessmentViewSet, "gol-assessment"),
    ("service-pacts", ServicePactViewSet, "service-pact"),
]
