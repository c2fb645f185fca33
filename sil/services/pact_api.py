"""REST API of the Patto di servizio: read, create (prefilled from the dossier), freeze for
signature, reopen, send the OTP and confirm it. Scoped to the caller's offices; reads logged;
writes through sil.services.pacts. The PDF bytes never travel in JSON (the page serves them).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sil.core.api import QueryParamsMixin
from sil.core.audit import AccessLoggedMixin
from sil.dossier.api import PERSON_FILTER, PersonScopedField, drf_error
from sil.services import pacts
from sil.services.models import GolPath, PactOtp, ServicePact
from sil.territory.models import Office

CONTENT_FIELDS = list(pacts.CONTENT_FIELDS)


class ServicePactSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    person = PersonScopedField()
    gol_path = serializers.SlugRelatedField(
        slug_field="number", queryset=GolPath.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ServicePact
        fields = [
            "id",
            "person",
            "office",
            "operator",
            "topic",
            "state",
            *CONTENT_FIELDS,
            "created_at",
            "signed_at",
            "signature_method",
            "document_sha256",
            "scan_sha256",
        ]
        read_only_fields = [
            "id",
            "office",
            "operator",
            "state",
            "created_at",
            "signed_at",
            "signature_method",
            "document_sha256",
            "scan_sha256",
        ]
        # Missing contents are prefilled from the dossier by the action.
        extra_kwargs = {name: {"required": False} for name in CONTENT_FIELDS if name != "gol_path"}
        validators: list[Any] = []


class OtpSendSerializer(serializers.Serializer):  # type: ignore[type-arg]
    channel = serializers.ChoiceField(choices=list(pacts.OTP_CHANNELS))


class OtpSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = PactOtp
        fields = ["id", "channel", "destination", "sent_at", "expires_at", "failed_attempts"]


class OtpConfirmSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.RegexField(r"^[0-9]{6}$")


class ServicePactViewSet(
    QueryParamsMixin,
    AccessLoggedMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Patti di servizio of the people of the caller's offices."""

    serializer_class = ServicePactSerializer
    query_params = {"list": (PERSON_FILTER,)}

    def get_queryset(self) -> QuerySet[ServicePact]:
        rows = ServicePact.objects.for_operator(self.request.user).defer("document")
        if "person" in self.query:
            rows = rows.filter(person_id=self.query["person"])
        return rows.order_by("id")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        person = data.pop("person")
        topic = data.pop("topic", "") or ""
        office = person.competent_office
        if office is None:
            office_id = getattr(self.request.user, "current_office_id", None)
            office = Office.objects.filter(pk=office_id).first() if office_id else None
        if office is None:
            raise serializers.ValidationError(
                {"person": [_("La persona non ha un CPI competente.")]}
            )
        try:
            serializer.instance = pacts.do_create_pact(
                person,
                office=office,
                operator=self.request.user,
                data=data,
                topic=topic,
                by=self.request.user,
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None

    def _move(self, run: Any) -> Response:
        pact = self.get_object()
        try:
            updated = run(pact, by=self.request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return Response(ServicePactSerializer(updated, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ServicePactSerializer)
    @action(detail=True, methods=["post"], url_path="to-signature")
    def to_signature(self, request: Request, pk: str | None = None) -> Response:
        """Render and freeze the PDF (its SHA-256 is returned); the pact awaits signature."""
        return self._move(pacts.do_send_pact_to_signature)

    @extend_schema(request=None, responses=ServicePactSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Back to draft: the frozen document and the codes sent for it stop counting."""
        return self._move(pacts.do_reopen_pact)

    @extend_schema(request=OtpSendSerializer, responses={201: OtpSerializer})
    @action(detail=True, methods=["post"], url_path="send-otp")
    def send_otp(self, request: Request, pk: str | None = None) -> Response:
        """Send a 6-digit code (10 minutes, 5 tries) by SMS or e-mail through the outbox."""
        pact = self.get_object()
        body = OtpSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            otp = pacts.do_send_pact_otp(
                pact, channel=body.validated_data["channel"], by=request.user
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return Response(OtpSerializer(otp).data, status=201)

    @extend_schema(request=OtpConfirmSerializer, responses=ServicePactSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-otp")
    def confirm_otp(self, request: Request, pk: str | None = None) -> Response:
        """Sign with the code the person read out."""
        pact = self.get_object()
        body = OtpConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            signed = pacts.do_confirm_pact_otp(pact, body.validated_data["code"], by=request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return Response(ServicePactSerializer(signed, context=self.get_serializer_context()).data)
