"""The public business directory (/elenco-imprese/): firms that agreed to be listed.

No login; pages are indexable (titles, meta descriptions, canonical addresses with the firm's
name in them). A sole trader's personal codice fiscale is never shown: only the partita IVA.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sil.employers.forms import DirectorySearchForm
from sil.employers.models import Employer
from sil.employers.queries import directory_employers
from sil.employers.views import search
from sil.territory.models import Competence, Province

PAGE_SIZE = 20


def open_vacancies() -> QuerySet[Any]:
    """Published vacancies, as the vacancies app defines them."""
    try:
        from sil.vacancies.queries import published_vacancies
    except ImportError:  # the vacancies app without its queries module yet
        from sil.vacancies.models import Vacancy

        return Vacancy.objects.published()
    return published_vacancies()


def _with_open_vacancies(employers: QuerySet[Employer]) -> QuerySet[Employer]:
    counts = (
        open_vacancies()
        .filter(employer=OuterRef("pk"))
        .order_by()
        .values("employer")
        .annotate(n=Count("id"))
        .values("n")
    )
    return employers.annotate(
        open_vacancies=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    )


def detail_url(employer: Employer) -> str:
    slug = slugify(employer.name)
    if slug:
        return reverse("directory:detail_slug", args=[employer.pk, slug])
    return reverse("directory:detail", args=[employer.pk])


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    listed = directory_employers()
    # The provinces the Region's CPIs serve: a few hundred rows to read, not the firms.
    provinces = Province.objects.filter(
        id__in=Competence.objects.values("municipality__province_id")
    ).order_by("name")
    form = DirectorySearchForm(request.GET or None, provinces=provinces)
    employers = listed
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        employers = search(employers, data["q"])
        if data["section"]:
            employers = employers.filter(ateco_section=data["section"])
        if data["province"] is not None:
            employers = employers.filter(municipality__province=data["province"])
    employers = _with_open_vacancies(
        employers.select_related("municipality", "economic_activity").order_by("name", "id")
    )
    page = Paginator(employers, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    for employer in page.object_list:
        employer.directory_url = detail_url(employer)  # type: ignore[attr-defined]
    return render(
        request,
        "employers/directory/list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            "canonical": request.build_absolute_uri(reverse("directory:list")),
            "breadcrumbs": [(_("Elenco delle imprese"), None)],
        },
    )


@require_GET
def employer(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    found = get_object_or_404(
        _with_open_vacancies(
            directory_employers().select_related("municipality__province", "economic_activity")
        ),
        pk=pk,
    )
    canonical = detail_url(found)
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    try:
        jobs_url = reverse("jobs:search")
    except NoReverseMatch:  # the job board is not installed
        jobs_url = ""
    return render(
        request,
        "employers/directory/detail.html",
        {
            "employer": found,
            "sites": found.sites.filter(is_active=True)
            .select_related("municipality")
            .order_by("name", "id"),
            "canonical": request.build_absolute_uri(canonical),
            "jobs_url": jobs_url,
            "breadcrumbs": [
                (_("Elenco delle imprese"), reverse("directory:list")),
                (found.name, None),
            ],
        },
    )
