"""REST API of appointments: free slots of an office, and appointments (read, book, move,
cancel, confirm, check in, close) for operators, scoped to their offices.

Every write goes through sil.appointments.actions; reads of appointments are access-logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sil.appointments import actions
from sil.appointments.models import Appointment, Slot
from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import AccessLoggedMixin
from sil.core.permissions import scope_to_offices
from sil.people.models import Person


class SlotSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Slot
        fields = ["id", "office", "calendar", "starts_at", "ends_at", "mode"]
        read_only_fields = fields


class AppointmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    slot = serializers.PrimaryKeyRelatedField(queryset=Slot.objects.none())

    class Meta:
        model = Appointment
        fields = [
            "id",
            "slot",
            "person",
            "office",
            "starts_at",
            "ends_at",
            "status",
            "topic",
            "purpose",
            "moved_to",
            "cancel_reason",
            "created_at",
            "confirmed_at",
            "checked_in_at",
            "closed_at",
        ]
        read_only_fields = [
            "id",
            "office",
            "starts_at",
            "ends_at",
            "status",
            "moved_to",
            "cancel_reason",
            "created_at",
            "confirmed_at",
            "checked_in_at",
            "closed_at",
        ]
        # Taken slots are the action's to refuse, with its Italian message.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = Person.objects.for_operator(request.user)  # type: ignore[attr-defined]
            self.fields["slot"].queryset = scope_to_offices(  # type: ignore[attr-defined]
                Slot.objects.all(), request.user, "office"
            )


class MoveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    slot = serializers.IntegerField()


class CancelSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=200)


class CloseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    attended = serializers.BooleanField()


def _drf_error(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError({"non_field_errors": error.messages})


class FreeSlotViewSet(QueryParamsMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Free slots (future, not blocked, not booked) of the caller's offices."""

    serializer_class = SlotSerializer
    query_params = {
        "list": (
            QueryParam("office", int, description="Id dell'ufficio"),
            QueryParam("date", date, description="Solo gli slot di quel giorno"),
        )
    }

    def get_queryset(self) -> QuerySet[Slot]:
        slots = scope_to_offices(
            Slot.objects.free().filter(starts_at__gt=timezone.now(), calendar__is_active=True),
            self.request.user,
            "office",
        )
        if "office" in self.query:
            slots = slots.filter(office_id=self.query["office"])
        if "date" in self.query:
            slots = slots.filter(starts_at__date=self.query["date"])
        return slots.order_by("starts_at", "calendar_id")


class AppointmentViewSet(
    QueryParamsMixin,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Appointments at the caller's offices. POST books a person into a slot."""

    serializer_class = AppointmentSerializer
    query_params = {
        "list": (
            QueryParam("office", int, description="Id dell'ufficio"),
            QueryParam("date", date, description="Giorno"),
            QueryParam("person", int, description="Id della persona"),
        )
    }

    def get_queryset(self) -> QuerySet[Appointment]:
        items = scope_to_offices(Appointment.objects.all(), self.request.user, "office")
        if "office" in self.query:
            items = items.filter(office_id=self.query["office"])
        if "person" in self.query:
            items = items.filter(person_id=self.query["person"])
        if "date" in self.query:
            items = items.filter(starts_at__date=self.query["date"])
        return items.order_by("starts_at", "id")

    def perform_create(self, serializer: serializers.BaseSerializer[Appointment]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = actions.do_book(
                data["person"],
                data["slot"],
                topic=data.get("topic", ""),
                purpose=data.get("purpose", ""),
                by=self.request.user,
            )
        except ValidationError as error:
            raise _drf_error(error) from error

    def _respond(self, appointment: Appointment, code: int = status.HTTP_200_OK) -> Response:
        return Response(AppointmentSerializer(appointment).data, status=code)

    @extend_schema(request=MoveSerializer, responses={201: AppointmentSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        appointment = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        slots = scope_to_offices(Slot.objects.all(), request.user, "office")
        slot = slots.filter(pk=body.validated_data["slot"]).first()
        if slot is None:
            raise serializers.ValidationError({"slot": ["Slot inesistente."]})
        try:
            new = actions.do_move(appointment, slot, by=request.user)
        except ValidationError as error:
            raise _drf_error(error) from error
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(request=CancelSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        appointment = self.get_object()
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            done = actions.do_cancel(
                appointment, reason=body.validated_data["reason"], by=request.user
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        return self._respond(done)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        try:
            done = actions.do_confirm(self.get_object(), by=request.user)
        except ValidationError as error:
            raise _drf_error(error) from error
        return self._respond(done)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        try:
            done = actions.do_check_in(self.get_object(), by=request.user)
        except ValidationError as error:
            raise _drf_error(error) from error
        return self._respond(done)

    @extend_schema(request=CloseSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            done = actions.do_close(
                self.get_object(), attended=body.validated_data["attended"], by=request.user
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        return self._respond(done)


ROUTES: list[tuple[str, Any, str]] = [
    ("slots", FreeSlotViewSet, "slot"),
    ("appointments", AppointmentViewSet, "appointment"),
]
