"""REST API of vacancies: ROUTES are registered in the app's AppConfig.ready().

* `vacancies`: operators (every vacancy; changes in their offices' scope) and employer users
  (their firms' vacancies only); writes and the actions `submit`, `send-back`, `publish`
  (with `confirm_warnings` and `reason`), `close`, `cancel` go through the state machine.
* `jobs`: the public job board, read-only, anonymous allowed (no personal data).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sil.classifications.models import ContractType, LanguageLevel
from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.text import validate_multiline
from sil.dossier.models import WorkingTime
from sil.employers.models import Employer
from sil.employers.queries import employer_ids_for_user
from sil.territory.models import Municipality
from sil.vacancies import actions
from sil.vacancies.machine import EMPLOYER, actor_of
from sil.vacancies.models import Vacancy, VacancyLanguage, VacancyState
from sil.vacancies.queries import (
    BOARD_RELATED,
    BoardQuery,
    can_manage,
    is_operator,
    search_board,
)


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"non_field_errors": exc.messages})


class VacancyLanguageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    level = serializers.SlugRelatedField(slug_field="code", queryset=LanguageLevel.objects.all())

    class Meta:
        model = VacancyLanguage
        fields = ["language", "level", "required"]


class VacancySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    languages = VacancyLanguageSerializer(many=True, required=False)
    driving_licences = serializers.ListField(
        child=serializers.ChoiceField(choices=actions.DRIVING_LICENCES), required=False
    )
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all(), required=False)

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "employer",
            "office",
            *actions.EDITABLE_FIELDS,
            "languages",
            "state",
            "publication_date",
            "quality_warnings",
            "quality_confirmed_at",
            "quality_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "publication_date",
            "quality_warnings",
            "quality_confirmed_at",
            "quality_reason",
            "created_at",
            "updated_at",
        ]


class TransitionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, validators=[validate_multiline]
    )


class PublishSerializer(serializers.Serializer):  # type: ignore[type-arg]
    confirm_warnings = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, validators=[validate_multiline]
    )


class VacancyViewSet(
    QueryParamsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]
):
    """Vacancies: every one for operators, the firm's own for employer users.
    `?state=`, `?employer=`, `?office=` filter the list."""

    serializer_class = VacancySerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    query_params = {
        "list": (
            QueryParam("state", enum=VacancyState.values, description="Stato dell'offerta"),
            QueryParam("employer", int, description="Id dell'impresa"),
            QueryParam("office", int, description="Id del CPI"),
        )
    }

    def get_queryset(self) -> QuerySet[Vacancy]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Vacancy.objects.none()
        user = self.request.user
        if is_operator(user):
            vacancies = Vacancy.objects.all()
        elif actor_of(user) == EMPLOYER:
            vacancies = Vacancy.objects.for_employers(employer_ids_for_user(user))
        else:
            raise PermissionDenied(_("Accesso riservato a operatori e imprese."))
        for name in ("state", "employer", "office"):
            if name in self.query:
                vacancies = vacancies.filter(**{name: self.query[name]})
        return vacancies.prefetch_related("languages__level").order_by("-updated_at", "-id")

    def _may_change(self, vacancy: Vacancy) -> None:
        user = self.request.user
        if is_operator(user) and not can_manage(user, vacancy):
            raise PermissionDenied(_("L'offerta è di un altro ufficio."))

    def perform_create(self, serializer: serializers.BaseSerializer[Vacancy]) -> None:
        data = dict(serializer.validated_data)
        languages = data.pop("languages", [])
        office = data.pop("office", None)
        employer = data.pop("employer", None)
        user = self.request.user
        if actor_of(user) == EMPLOYER:
            ids = employer_ids_for_user(user)
            if employer is None and len(ids) == 1:
                employer = Employer.objects.get(pk=ids[0])
            if employer is None or employer.pk not in ids:
                raise PermissionDenied(_("Si possono creare offerte solo per la propria impresa."))
            office = None
        if employer is None:
            raise ValidationError({"employer": [_("Indicare l'impresa.")]})
        try:
            serializer.instance = actions.do_create_vacancy(
                employer, data, languages=languages, office=office, by=user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def perform_update(self, serializer: serializers.BaseSerializer[Vacancy]) -> None:
        vacancy = serializer.instance
        assert vacancy is not None  # an update always has its instance
        self._may_change(vacancy)
        data = dict(serializer.validated_data)
        languages = data.pop("languages", None)
        data.pop("employer", None)
        if "office" in data and actor_of(self.request.user) == EMPLOYER:
            data.pop("office")
        try:
            serializer.instance = actions.do_update_vacancy(
                vacancy, data, languages=languages, by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def _move(self, request: Request, run: Any) -> Response:
        vacancy = self.get_object()
        self._may_change(vacancy)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            run(vacancy, request.user, note=body.validated_data.get("note", ""))
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(VacancySerializer(vacancy).data)

    @extend_schema(request=TransitionSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send the draft for review by the CPI."""
        return self._move(request, actions.do_submit_for_review)

    @extend_schema(request=TransitionSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """Back to draft for changes (the note says which)."""
        return self._move(request, actions.do_send_back)

    @extend_schema(request=TransitionSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, actions.do_close)

    @extend_schema(request=TransitionSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, actions.do_cancel)

    @extend_schema(
        request=PublishSerializer,
        responses={
            200: VacancySerializer,
            409: inline_serializer(
                "QualityCheckRequired",
                {
                    "detail": serializers.CharField(),
                    "code": serializers.CharField(),
                    "warnings": serializers.ListField(child=serializers.DictField()),
                },
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Run the quality check and publish. With warnings, answers 409 and lists them;
        send `confirm_warnings: true` (and a `reason` for discriminatory wording) to publish."""
        vacancy = self.get_object()
        self._may_change(vacancy)
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.do_publish(
                vacancy,
                request.user,
                confirm=body.validated_data["confirm_warnings"],
                reason=body.validated_data.get("reason", ""),
            )
        except actions.QualityCheckRequired as exc:
            return Response(
                {
                    "detail": exc.messages[0],
                    "code": exc.code,
                    "warnings": [w.as_dict() for w in exc.warnings],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(VacancySerializer(vacancy).data)


class JobSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A published vacancy as the public board shows it."""

    employer_name = serializers.CharField(source="employer.name", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    profession_code = serializers.CharField(source="profession.code", read_only=True)
    profession_name = serializers.CharField(source="profession.name", read_only=True)
    contract_type_code = serializers.CharField(
        source="contract_type.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "title",
            "description",
            "employer_name",
            "municipality",
            "municipality_name",
            "profession_code",
            "profession_name",
            "contract_type_code",
            "working_time",
            "posts",
            "pay_min",
            "pay_max",
            "ccnl",
            "ccnl_level",
            "publication_date",
            "expiry_date",
            "how_to_apply",
            "targeted_l68",
            "eures",
        ]
        read_only_fields = fields


class JobViewSet(QueryParamsMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The public job board: published vacancies not expired. Anonymous access allowed.
    `?q=` full text, `?profession=` CP code or prefix, `?municipality=` ISTAT code with
    `?radius_km=`, `?contract_type=` code, `?working_time=`."""

    serializer_class = JobSerializer
    permission_classes = [permissions.AllowAny]
    query_params = {
        "list": (
            QueryParam("q", description="Testo libero", max_length=100),
            QueryParam("profession", description="Codice CP o suo prefisso", max_length=12),
            QueryParam("municipality", description="Codice ISTAT del comune", max_length=6),
            QueryParam("radius_km", int, description="Distanza dal comune (km, massimo 200)"),
            QueryParam(
                "contract_type", description="Codice della tipologia contrattuale", max_length=20
            ),
            QueryParam("working_time", enum=WorkingTime.values, description="full, part o any"),
        )
    }

    def get_queryset(self) -> QuerySet[Vacancy]:
        params = self.query
        municipality = None
        istat = params.get("municipality", "")
        if istat:
            municipality = Municipality.objects.current().filter(istat_code=istat).first()
            if municipality is None:
                return Vacancy.objects.none()
        contract_id = None
        if params.get("contract_type"):
            contract = ContractType.objects.filter(code=params["contract_type"]).first()
            if contract is None:
                return Vacancy.objects.none()
            contract_id = contract.pk
        query = BoardQuery(
            text=params.get("q", ""),
            profession_code=params.get("profession", ""),
            municipality=municipality,
            radius_km=min(params.get("radius_km", 0), 200),
            contract_type_id=contract_id,
            working_time=params.get("working_time", ""),
        )
        return search_board(query).select_related(*BOARD_RELATED)


ROUTES: list[tuple[str, Any, str]] = [
    ("vacancies", VacancyViewSet, "vacancy"),
    ("jobs", JobViewSet, "job"),
]
