"""REST API of applications: ROUTES are registered in the app's AppConfig.ready().

`applications/`: operators (scoped to their offices) list, read and move applications.
`me/applications/`: a signed-in citizen reads their own applications (read-only).
Every read is access-logged; every move goes through sil.applications.actions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sil.accounts.models import UserKind
from sil.applications.actions import do_change_state
from sil.applications.machine import ApplicationTransitionError, allowed_targets
from sil.applications.models import Actor, Application, ApplicationEvent, ApplicationState
from sil.applications.queries import operator_applications, with_events
from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import AccessLoggedMixin
from sil.core.permissions import ApiRolePermission

STATES = ", ".join(ApplicationState.values)


class ApplicationEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    state_before = serializers.CharField(
        read_only=True, help_text=f"Uno di: {STATES} (vuoto all'invio)."
    )
    state_after = serializers.CharField(read_only=True, help_text=f"Uno di: {STATES}.")
    actor = serializers.CharField(read_only=True, help_text="citizen, operator, employer, system.")

    class Meta:
        model = ApplicationEvent
        fields = ["state_before", "state_after", "actor", "recorded_by_name", "note", "at"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One application; `events` is its history, `allowed_states` the moves open to the caller."""

    state = serializers.CharField(read_only=True, help_text=f"Uno di: {STATES}.")
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True, default=None)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    events = ApplicationEventSerializer(many=True, read_only=True)
    allowed_states = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "person",
            "vacancy",
            "vacancy_title",
            "employer",
            "employer_name",
            "cv",
            "message",
            "state",
            "state_since",
            "created_at",
            "events",
            "allowed_states",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_states(self, application: Application) -> list[str]:
        actor = self.context.get("actor", Actor.OPERATOR)
        return [str(target) for target in allowed_targets(application.state, actor)]


class ApplicationTransitionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    state = serializers.ChoiceField(
        choices=[s for s in ApplicationState.values if s != ApplicationState.SUBMITTED]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class IsOperator(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(getattr(user, "is_operator", False) or getattr(user, "is_superuser", False))


class IsCitizen(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(getattr(user, "kind", "") == UserKind.CITIZEN and user.fiscal_code)


class ApplicationViewSet(
    QueryParamsMixin,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Applications visible to the operator (vacancy's CPI, person's CPI, employer's CPI)."""

    serializer_class = ApplicationSerializer
    permission_classes = [ApiRolePermission, IsOperator]
    query_params = {
        "list": (
            QueryParam("vacancy", int, description="Id dell'offerta"),
            QueryParam("person", int, description="Id della persona"),
            QueryParam("state", enum=ApplicationState.values, description="Stato"),
        )
    }

    def get_queryset(self) -> QuerySet[Application]:
        applications = with_events(operator_applications(self.request.user))
        for name in ("vacancy", "person"):
            if name in self.query:
                applications = applications.filter(**{f"{name}_id": self.query[name]})
        if "state" in self.query:
            applications = applications.filter(state=self.query["state"])
        return applications.order_by("-created_at", "-id")

    @extend_schema(request=ApplicationTransitionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        payload = ApplicationTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            do_change_state(
                application,
                payload.validated_data["state"],
                request.user,
                note=payload.validated_data["note"],
            )
        except ApplicationTransitionError as exc:
            raise serializers.ValidationError({"state": exc.messages}) from exc
        except PermissionDenied as exc:
            raise serializers.ValidationError({"state": ["Operazione non consentita."]}) from exc
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(fresh).data)


class MyApplicationViewSet(
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """The signed-in citizen's own applications (read-only)."""

    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticated, IsCitizen]

    def get_queryset(self) -> QuerySet[Application]:
        user: Any = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return (
            with_events(Application.objects.for_list())
            .filter(person__fiscal_code=user.fiscal_code, person__merged_into__isnull=True)
            .order_by("-created_at", "-id")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "actor": Actor.CITIZEN}


ROUTES: list[tuple[str, Any, str]] = [
    ("applications", ApplicationViewSet, "application"),
    ("me/applications", MyApplicationViewSet, "my-application"),
]
