"""REST API of the dossier: one viewset per section (filter with ?person=), the availability,
and the SAP-shaped export of the whole dossier at /api/v1/people/{person_id}/sap/.

Everything is scoped to the caller's offices through the person's competent office; reads are
written to the access log; writes go through the actions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import AccessLoggedMixin, log_access
from sil.dossier.actions import do_add_entry, do_remove_entry, do_set_availability, do_update_entry
from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    ItSkill,
    LanguageSkill,
    OtherLicence,
    PersonSection,
    TrainingCourse,
    WorkExperience,
)
from sil.dossier.sap import sap_document
from sil.people.models import Person

PERSON_FILTER = QueryParam("person", int, description="Id della persona")


def drf_error(exc: DjangoValidationError) -> ValidationError:
    """A Django ValidationError from an action as DRF's (400 with field errors)."""
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in exc.message_dict.items()
            }
        )
    return ValidationError({"non_field_errors": exc.messages})


class PersonScopedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A person the caller may see (others are reported as not found)."""

    def get_queryset(self) -> QuerySet[Person]:
        request = self.context.get("request")
        return Person.objects.for_operator(getattr(request, "user", None))


class SectionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    person = PersonScopedField()

    class Meta:
        model: type[PersonSection]
        read_only_fields = ("id", "created_at", "updated_at")


def _serializer(model: type[PersonSection], fields: list[str]) -> type[SectionSerializer]:
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": ["id", "person", *fields, "created_at", "updated_at"],
            "read_only_fields": SectionSerializer.Meta.read_only_fields,
            # Uniqueness is checked by the action (and the database), with Italian messages.
            "validators": [],
        },
    )
    return type(f"{model.__name__}Serializer", (SectionSerializer,), {"Meta": meta})


EducationSerializer = _serializer(
    Education, ["level", "title", "institution", "year", "mark", "recognised_in_italy"]
)
TrainingCourseSerializer = _serializer(
    TrainingCourse,
    ["title", "provider", "duration", "duration_unit", "year", "certificate", "with_stage"],
)
WorkExperienceSerializer = _serializer(
    WorkExperience,
    [
        "employer_name",
        "employer_fiscal_code",
        "economic_activity",
        "profession",
        "contract_type",
        "start_date",
        "end_date",
        "weekly_hours",
        "duties",
        "targeted_hire",
    ],
)
LanguageSkillSerializer = _serializer(
    LanguageSkill, ["language", "understanding", "speaking", "writing"]
)
ItSkillSerializer = _serializer(ItSkill, ["name", "level"])
DrivingLicenceSerializer = _serializer(DrivingLicence, ["category"])
OtherLicenceSerializer = _serializer(OtherLicence, ["name", "issuer", "number"])
AvailabilitySerializer = _serializer(
    Availability, ["contract_types", "working_time", "mobility_radius_km", "shifts", "notes"]
)


class SectionViewSet(QueryParamsMixin, AccessLoggedMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Rows of one dossier section, of the people of the caller's offices."""

    model: type[PersonSection]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    query_params = {"list": (PERSON_FILTER,)}

    def get_queryset(self) -> QuerySet[Any]:
        rows = self.model.objects.for_operator(self.request.user)
        if "person" in self.query:
            rows = rows.filter(person_id=self.query["person"])
        return rows.order_by("person_id", "id")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        person = data.pop("person")
        try:
            serializer.instance = do_add_entry(self.model, person, data, by=self.request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None

    def perform_update(self, serializer: Any) -> None:
        try:
            serializer.instance = do_update_entry(
                serializer.instance, serializer.validated_data, by=self.request.user
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None

    def perform_destroy(self, instance: Any) -> None:
        do_remove_entry(instance, by=self.request.user)


def _viewset(model: type[PersonSection], serializer: type[SectionSerializer]) -> type:
    return type(
        f"{model.__name__}ViewSet",
        (SectionViewSet,),
        {"model": model, "serializer_class": serializer, "__doc__": SectionViewSet.__doc__},
    )


EducationViewSet = _viewset(Education, EducationSerializer)
TrainingCourseViewSet = _viewset(TrainingCourse, TrainingCourseSerializer)
WorkExperienceViewSet = _viewset(WorkExperience, WorkExperienceSerializer)
LanguageSkillViewSet = _viewset(LanguageSkill, LanguageSkillSerializer)
ItSkillViewSet = _viewset(ItSkill, ItSkillSerializer)
DrivingLicenceViewSet = _viewset(DrivingLicence, DrivingLicenceSerializer)
OtherLicenceViewSet = _viewset(OtherLicence, OtherLicenceSerializer)


class AvailabilityViewSet(SectionViewSet):
    """The availability of the people of the caller's offices (one per person; a POST for a
    person who already has one replaces it)."""

    model = Availability
    serializer_class = AvailabilitySerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("contract_types")

    def _save(self, serializer: Any, person: Person) -> None:
        data = dict(serializer.validated_data)
        data.pop("person", None)
        contract_types = data.pop("contract_types", None)
        try:
            serializer.instance = do_set_availability(
                person, data, contract_types=contract_types, by=self.request.user
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, serializer.validated_data["person"])

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance.person)


# SECTION ROUTES: prefix under /api/v1/ → viewset (registered in the app's AppConfig.ready()).
ROUTES: list[tuple[str, type, str]] = [
    ("dossier/education", EducationViewSet, "dossier-education"),
    ("dossier/training-courses", TrainingCourseViewSet, "dossier-training-course"),
    ("dossier/work-experiences", WorkExperienceViewSet, "dossier-work-experience"),
    ("dossier/languages", LanguageSkillViewSet, "dossier-language"),
    ("dossier/it-skills", ItSkillViewSet, "dossier-it-skill"),
    ("dossier/driving-licences", DrivingLicenceViewSet, "dossier-driving-licence"),
    ("dossier/other-licences", OtherLicenceViewSet, "dossier-other-licence"),
    ("dossier/availability", AvailabilityViewSet, "dossier-availability"),
]


class SapExportViewSet(viewsets.ViewSet):
    """The whole dossier of a person as a SAP-shaped document (sections 1, 2, 4, 5, 6)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "person_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Person id."
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
        operation_id="people_sap_retrieve",
    )
    def list(self, request: Request, person_id: str) -> Response:
        people = Person.objects.for_operator(request.user).with_places()
        person = get_object_or_404(people, pk=int(person_id))
        document = sap_document(person)
        log_access(request, person, action="export")
        return Response(document)
