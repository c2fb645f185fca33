"""REST API of shortlists, for operators: read, build from person ids, record contact and
consent, send, record outcomes, close.

Scoped by the operator's offices like the pages; reading a shortlist logs the candidates it
shows; every write goes through sil.shortlists.actions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.shortlists import actions
from sil.shortlists.models import (
    ContactChannel,
    Outcome,
    Shortlist,
    ShortlistEntry,
    ShortlistState,
)
from sil.vacancies.models import Vacancy
from sil.vacancies.queries import vacancies_for_operator


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"non_field_errors": exc.messages})


class ShortlistEntrySerializer(serializers.ModelSerializer[ShortlistEntry]):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    # Plain strings: the same choice sets are named enums in the request bodies below.
    contact_channel = serializers.CharField(read_only=True, help_text="phone, email, in_person")
    outcome = serializers.CharField(
        read_only=True, help_text="hired, not_selected, withdrew, no_show"
    )
    feedback = serializers.CharField(read_only=True, help_text="interested, not_interested, hired")

    class Meta:
        model = ShortlistEntry
        fields = [
            "id",
            "person",
            "person_name",
            "application",
            "position",
            "score",
            "weights_version",
            "criteria",
            "contacted_at",
            "contact_channel",
            "consent_to_share",
            "consent_at",
            "sent_at",
            "feedback",
            "feedback_note",
            "feedback_at",
            "outcome",
            "outcome_note",
            "outcome_at",
        ]
        read_only_fields = fields


class ShortlistSerializer(serializers.ModelSerializer[Shortlist]):
    person_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        write_only=True,
        min_length=1,
        help_text="Persone da aggiungere (dall'elenco dei candidati più adatti).",
    )
    vacancy = serializers.PrimaryKeyRelatedField(queryset=Vacancy.objects.none())
    candidates = serializers.IntegerField(read_only=True, required=False)
    entries = ShortlistEntrySerializer(many=True, read_only=True)
    state = serializers.CharField(read_only=True, help_text="draft, sent, closed")

    class Meta:
        model = Shortlist
        fields = [
            "id",
            "vacancy",
            "office",
            "state",
            "note",
            "created_at",
            "sent_at",
            "closed_at",
            "candidates",
            "entries",
            "person_ids",
        ]
        read_only_fields = ["id", "office", "note", "created_at", "sent_at", "closed_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["vacancy"].queryset = vacancies_for_operator(request.user)  # type: ignore[attr-defined]
        view = self.context.get("view")
        if view is not None and getattr(view, "action", "") == "list":
            self.fields.pop("entries")


class PersonIdsSerializer(serializers.Serializer[dict[str, Any]]):
    person_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)


class ContactSerializer(serializers.Serializer[dict[str, Any]]):
    entry = serializers.IntegerField(help_text="id del candidato della rosa")
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    consent = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SendSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class OutcomeSerializer(serializers.Serializer[dict[str, Any]]):
    entry = serializers.IntegerField(help_text="id del candidato della rosa")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ShortlistViewSet(
    QueryParamsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Shortlist],
):
    """Shortlists of the caller's offices. POST creates (or extends) the vacancy's shortlist
    in preparation with `person_ids`."""

    serializer_class = ShortlistSerializer
    query_params = {
        "list": (
            QueryParam("vacancy", int, description="Id dell'offerta"),
            QueryParam("state", enum=ShortlistState.values, description="Stato della rosa"),
        )
    }

    def get_queryset(self) -> QuerySet[Shortlist]:
        shortlists = Shortlist.objects.for_operator(self.request.user)
        if "vacancy" in self.query:
            shortlists = shortlists.filter(vacancy_id=self.query["vacancy"])
        if "state" in self.query:
            shortlists = shortlists.filter(state=self.query["state"])
        shortlists = shortlists.annotate(candidates=Count("entries"))
        if self.action == "list":
            return shortlists.order_by("-created_at", "-id")
        return shortlists.prefetch_related("entries__person").order_by("-created_at", "-id")

    def _detail(self, shortlist: Shortlist, code: int = status.HTTP_200_OK) -> Response:
        shortlist = self.get_queryset().get(pk=shortlist.pk)
        entries = list(shortlist.entries.all())
        log_access(self.request, [entry.person for entry in entries], AccessAction.API_LIST)
        return Response(self.get_serializer(shortlist).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    def perform_create(self, serializer: serializers.BaseSerializer[Shortlist]) -> None:
        data = serializer.validated_data
        try:
            shortlist = actions.do_add_candidates(
                data["vacancy"], data["person_ids"], self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        serializer.instance = shortlist

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._detail(serializer.instance, status.HTTP_201_CREATED)  # type: ignore[arg-type]

    def _entry(self, shortlist: Shortlist, entry_id: int) -> ShortlistEntry:
        return get_object_or_404(shortlist.entries.select_related("shortlist"), pk=entry_id)

    @extend_schema(request=PersonIdsSerializer, responses=ShortlistSerializer)
    @action(detail=True, methods=["post"])
    def candidates(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        body = PersonIdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not shortlist.is_draft:
            raise ValidationError(
                {"non_field_errors": ["La rosa è già stata inviata: usare POST /shortlists/."]}
            )
        try:
            actions.do_add_candidates(
                shortlist.vacancy, body.validated_data["person_ids"], request.user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(shortlist)

    @extend_schema(request=ContactSerializer, responses=ShortlistSerializer)
    @action(detail=True, methods=["post"])
    def contact(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        body = ContactSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            actions.do_record_contact(
                self._entry(shortlist, data["entry"]),
                channel=data["channel"],
                consent=data["consent"],
                note=data["note"],
                user=request.user,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(shortlist)

    @extend_schema(request=SendSerializer, responses=ShortlistSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.do_send_shortlist(shortlist, request.user, note=body.validated_data["note"])
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(shortlist)

    @extend_schema(request=OutcomeSerializer, responses=ShortlistSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            actions.do_record_outcome(
                self._entry(shortlist, data["entry"]),
                data["outcome"],
                request.user,
                note=data["note"],
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(shortlist)

    @extend_schema(request=None, responses=ShortlistSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        try:
            actions.do_close_shortlist(shortlist, request.user)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(shortlist)


ROUTES: list[tuple[str, Any, str]] = [("shortlists", ShortlistViewSet, "shortlist")]
