"""REST API of the matching app: ROUTES are registered in the app's AppConfig.ready().

GET /api/v1/vacancies/{vacancy_id}/candidates/?limit=50 → a plain list of
{"person_id", "score", "criteria": {name: {"score", "weight", "explanation"}}}; the weights
version is in the X-Weights-Version header. GET /api/v1/people/{person_id}/vacancies/ ranks
published vacancies for a person of the operator's offices. Operators only; every listed
person is written to the access log.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from sil.core.api import QueryParam, QueryParamsMixin
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.permissions import ApiRolePermission
from sil.matching.actions import do_record_match_run
from sil.matching.queries import rank_candidates_detailed, rank_vacancies
from sil.people.models import Person
from sil.vacancies.models import Vacancy

MAX_LIMIT = 200


class IsOperator(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (getattr(user, "is_operator", False) or user.is_superuser)
        )


class CriterionSerializer(serializers.Serializer):
    score = serializers.FloatField()
    weight = serializers.FloatField()
    explanation = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    score = serializers.FloatField()
    criteria = serializers.DictField(child=CriterionSerializer())


class VacancyMatchSerializer(serializers.Serializer):
    vacancy_id = serializers.IntegerField()
    score = serializers.FloatField()
    criteria = serializers.DictField(child=CriterionSerializer())


_LIMIT = QueryParam("limit", int, min_value=1, description="Quanti risultati (massimo 200)")


def _limit(view: QueryParamsMixin, default: int) -> int:
    return min(view.query.get("limit", default), MAX_LIMIT)


_HEADER = {
    "X-Weights-Version": {"description": "Versione dei pesi usata", "schema": {"type": "string"}}
}


class VacancyCandidatesViewSet(QueryParamsMixin, viewsets.ViewSet):
    """The best candidates for a vacancy, each criterion explained."""

    permission_classes = [ApiRolePermission, IsOperator]
    serializer_class = CandidateSerializer
    query_params = {"list": (_LIMIT,)}

    @extend_schema(
        responses={200: OpenApiResponse(CandidateSerializer(many=True), description="")},
    )
    def list(self, request: Request, vacancy_id: str) -> Response:
        vacancy = Vacancy.objects.filter(pk=int(vacancy_id)).first()
        if vacancy is None:
            raise Http404
        started = time.perf_counter()
        ranked = rank_candidates_detailed(vacancy, limit=_limit(self, 50))
        do_record_match_run(
            matches=ranked.matches,
            weights_version=ranked.weights_version,
            user=request.user,
            vacancy_id=vacancy.pk,
            filters=ranked.filters.as_dict(),
            considered=ranked.considered,
            duration_ms=(time.perf_counter() - started) * 1000,
            purpose="api",
        )
        people = Person.objects.in_bulk([m.person_id for m in ranked.matches])
        log_access(request, list(people.values()), AccessAction.API_LIST, purpose="matching")
        data = [
            {"person_id": m.person_id, "score": m.score, "criteria": m.criteria_dict()}
            for m in ranked.matches
        ]
        return Response(data, headers={"X-Weights-Version": ranked.weights_version})


class PersonVacanciesViewSet(QueryParamsMixin, viewsets.ViewSet):
    """The published vacancies that fit a person of the operator's offices best."""

    permission_classes = [ApiRolePermission, IsOperator]
    serializer_class = VacancyMatchSerializer
    query_params = {"list": (_LIMIT,)}

    @extend_schema(
        responses={200: OpenApiResponse(VacancyMatchSerializer(many=True), description="")},
    )
    def list(self, request: Request, person_id: str) -> Response:
        person = Person.objects.for_operator(request.user).filter(pk=int(person_id)).first()
        if person is None:
            outside = Person.objects.filter(pk=int(person_id)).first()
            if outside is not None:
                log_access(request, outside, AccessAction.DENIED)
            raise Http404
        log_access(request, person, AccessAction.API, purpose="matching")
        matches = rank_vacancies(person, limit=_limit(self, 20))
        version = matches[0].weights_version if matches else ""
        data = [
            {"vacancy_id": m.vacancy_id, "score": m.score, "criteria": m.criteria_dict()}
            for m in matches
        ]
        return Response(data, headers={"X-Weights-Version": version} if version else None)


ROUTES: list[tuple[str, Any, str]] = [
    (
        r"vacancies/(?P<vacancy_id>[0-9]+)/candidates",
        VacancyCandidatesViewSet,
        "vacancy-candidates",
    ),
    (r"people/(?P<person_id>[0-9]+)/vacancies", PersonVacanciesViewSet, "person-vacancies"),
]
