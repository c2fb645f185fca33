"""Reads of vacancies for this and other apps: scoping, the job board search, radius.

Vacancies are not personal data: every operator reads every vacancy of the Region (people
are matched across offices' borders); changing one is for the operators of its office and
region-wide roles. Employer users reach only their firm's vacancies.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

from sil.accounts.queries import sees_all_offices
from sil.classifications.models import Profession
from sil.core.permissions import visible_office_ids
from sil.employers.queries import employer_ids_for_user
from sil.territory.models import Municipality
from sil.territory.queries import EARTH_RADIUS_KM, SAME_PROVINCE_KM, haversine_km
from sil.vacancies.models import Vacancy

BOARD_RELATED = ("employer", "municipality", "contract_type", "profession")
# The board counts results up to this many: past it, "more than 1,000" is all a visitor needs
# (they refine the search), and counting every row of a broad search is the slowest part.
BOARD_COUNT_CAP = 1000


class BoardPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator whose count stops at BOARD_COUNT_CAP + 1 (see `capped`)."""

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        return int(rows.order_by()[: BOARD_COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > BOARD_COUNT_CAP


def published_vacancies(today: dt.date | None = None) -> QuerySet[Vacancy]:
    """Published vacancies not past their expiry date (what people may apply to)."""
    return Vacancy.objects.on_board(today or timezone.localdate())


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_operator", False) or getattr(user, "is_superuser", False))


def can_manage(user: Any, vacancy: Vacancy) -> bool:
    """Operators of the vacancy's office (or any, while it has none) and region-wide roles."""
    if not is_operator(user) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False) or sees_all_offices(user):
        return True
    offices = visible_office_ids(user)
    return offices is None or vacancy.office_id is None or vacancy.office_id in offices


def vacancies_for_operator(user: Any) -> QuerySet[Vacancy]:
    return Vacancy.objects.all() if is_operator(user) else Vacancy.objects.none()


def vacancy_for_operator_or_404(request: HttpRequest, pk: int) -> Vacancy:
    vacancy = (
        vacancies_for_operator(request.user)
        .select_related(*BOARD_RELATED, "office", "site", "education_level", "esco_occupation")
        .filter(pk=pk)
        .first()
    )
    if vacancy is None:
        raise Http404
    return vacancy


def vacancies_for_employer_user(user: Any) -> QuerySet[Vacancy]:
    ids = employer_ids_for_user(user)
    return Vacancy.objects.for_employers(ids) if ids else Vacancy.objects.none()


def vacancy_for_employer_or_404(request: HttpRequest, pk: int) -> Vacancy:
    """A vacancy of the firm the employer user acts for; 404 for any other."""
    employer = getattr(request, "employer", None)
    if employer is None:
        from sil.employers.queries import user_employer

        employer = user_employer(request)
    if employer is None:
        raise Http404
    vacancy = (
        Vacancy.objects.filter(pk=pk, employer=employer)
        .select_related(*BOARD_RELATED, "office", "site", "education_level")
        .first()
    )
    if vacancy is None:
        raise Http404
    return vacancy


# --- radius -------------------------------------------------------------------------------


def municipalities_within(center: Municipality, km: float) -> list[int]:
    """Ids of current comuni within `km` of `center` (town halls, great-circle distance).

    A bounding box on latitude/longitude preselects in SQL; the exact distance is computed
    here. Comuni without coordinates count when they are in the same province and the radius
    covers the coarse same-province figure of sil.territory.queries.
    """
    ids = {center.pk}
    lat0, lon0 = center.latitude, center.longitude
    if lat0 is not None and lon0 is not None:
        dlat = math.degrees(km / EARTH_RADIUS_KM)
        cos_lat = max(math.cos(math.radians(lat0)), 0.01)
        dlon = math.degrees(km / (EARTH_RADIUS_KM * cos_lat))
        box = Municipality.objects.current().filter(
            latitude__range=(lat0 - dlat, lat0 + dlat),
            longitude__range=(lon0 - dlon, lon0 + dlon),
        )
        for pk, lat, lon in box.values_list("pk", "latitude", "longitude"):
            if lat is not None and lon is not None and haversine_km(lat0, lon0, lat, lon) <= km:
                ids.add(pk)
    if km >= SAME_PROVINCE_KM and center.province_id is not None:
        ids.update(
            Municipality.objects.current()
            .filter(province_id=center.province_id)
            .filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
            .values_list("pk", flat=True)
        )
    return sorted(ids)


# --- the job board ------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardQuery:
    """What a visitor asks the job board (all optional)."""

    text: str = ""
    profession_code: str = ""  # a CP code or a prefix of one ("5.1.2")
    municipality: Municipality | None = None
    radius_km: int = 0
    contract_type_id: int | None = None
    working_time: str = ""


def text_query(text: str) -> SearchQuery:
    """websearch syntax (words, "phrases", -excluded); accents dropped as in the document."""
    value = Func(Value(text.replace("/", " ")), function="sil_unaccent", output_field=TextField())
    return SearchQuery(value, config="italian", search_type="websearch")


_PROFESSION_TTL = 600.0
_profession_cache: dict[str, Any] = {"at": -_PROFESSION_TTL, "names": []}


def forget_professions() -> None:
    """Drop the in-memory profession names (after loading reference data; tests)."""
    _profession_cache["at"] = -_PROFESSION_TTL


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def professions_matching(text: str) -> list[int]:
    """Ids of the CP unit groups whose name contains every word of `text` (accents, case and
    the last letter of longer words ignored, so "cuoco" finds "Cuochi"). The ~800 names are
    held in memory for ten minutes: this runs on every board search."""
    now = time.monotonic()
    if now - _profession_cache["at"] > _PROFESSION_TTL:
        _profession_cache["names"] = [
            (pk, _fold(name))
            for pk, name in Profession.objects.filter(level=5).values_list("pk", "name")
        ]
        _profession_cache["at"] = now
    words = [w for w in re.findall(r"\w+", _fold(text)) if len(w) >= 3]
    stems = [w[:-1] if len(w) > 4 else w for w in words]
    if not stems:
        return []
    return [pk for pk, name in _profession_cache["names"] if all(stem in name for stem in stems)]


def search_board(query: BoardQuery, today: dt.date | None = None) -> QuerySet[Vacancy]:
    """Published, unexpired vacancies matching `query`: best match first when there is
    text, newest first otherwise."""
    vacancies = published_vacancies(today)
    text = " ".join(query.text.split())
    if query.profession_code:
        code = query.profession_code.strip()
        vacancies = vacancies.filter(
            profession__in=Profession.objects.filter(
                Q(code=code) | Q(code__startswith=code.rstrip(".") + ".")
            )
        )
    if query.municipality is not None:
        if query.radius_km > 0:
            near = municipalities_within(query.municipality, query.radius_km)
            vacancies = vacancies.filter(municipality_id__in=near)
        else:
            vacancies = vacancies.filter(municipality=query.municipality)
    if query.contract_type_id:
        vacancies = vacancies.filter(contract_type_id=query.contract_type_id)
    if query.working_time:
        vacancies = vacancies.filter(working_time=query.working_time)
    if text:
        search = text_query(text)
        matches = Q(search_vector=search)
        professions = professions_matching(text)
        if professions:  # a literal list lets PostgreSQL OR two index scans
            matches |= Q(profession_id__in=professions)
        vacancies = (
            vacancies.filter(matches)
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "-publication_date", "-id")
        )
    else:
        vacancies = vacancies.order_by("-publication_date", "-id")
    return vacancies
