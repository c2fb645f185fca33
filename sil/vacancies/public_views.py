"""The public job board (/offerte-di-lavoro/): search, vacancy pages, sitemap.

Pages anyone (and any search engine) may read: only published, unexpired vacancies, no
personal data. Each vacancy page carries schema.org JobPosting data (JSON-LD, a data block
that browsers do not execute, so the CSP allows it) and a canonical URL with its slug.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sil.dossier.models import WorkingTime
from sil.vacancies.forms import BoardSearchForm
from sil.vacancies.models import Vacancy
from sil.vacancies.queries import (
    BOARD_COUNT_CAP,
    BOARD_RELATED,
    BoardPaginator,
    BoardQuery,
    published_vacancies,
    search_board,
)
from sil.vacancies.views import url_if_exists

PAGE_SIZE = 20


def slug_of(vacancy: Vacancy) -> str:
    return slugify(f"{vacancy.title} {vacancy.municipality.name}")[:80].strip("-") or "offerta"


def canonical_path(vacancy: Vacancy) -> str:
    return reverse("jobs:vacancy_detail_slug", args=[vacancy.pk, slug_of(vacancy)])


def job_search(request: HttpRequest) -> HttpResponse:
    form = BoardSearchForm(request.GET or None)
    query = BoardQuery()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        contract = data.get("contratto")
        query = BoardQuery(
            text=data.get("q") or "",
            profession_code=data.get("professione") or "",
            municipality=data.get("comune"),
            radius_km=data.get("raggio") or 0,
            contract_type_id=contract.pk if contract else None,
            working_time=data.get("orario") or "",
        )
    vacancies = search_board(query).select_related(*BOARD_RELATED)
    page = BoardPaginator(vacancies, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    filtered = bool(querystring)
    return render(
        request,
        "vacancies/jobs/search.html",
        {
            "form": form,
            "page": page,
            "cap": BOARD_COUNT_CAP,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            # Filtered and paginated lists are not separate documents for search engines.
            "noindex": filtered or page.number > 1,
            "canonical": request.build_absolute_uri(reverse("jobs:search")),
            "breadcrumbs": [(_("Home"), "/"), (_("Offerte di lavoro"), None)],
        },
    )


EMPLOYMENT_TYPES: dict[str, str] = {WorkingTime.FULL: "FULL_TIME", WorkingTime.PART: "PART_TIME"}


def job_posting(request: HttpRequest, vacancy: Vacancy) -> dict[str, Any]:
    """schema.org JobPosting (the fields search engines use for job listings)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": vacancy.description,
        "identifier": {
            "@type": "PropertyValue",
            "name": vacancy.employer.name,
            "value": str(vacancy.pk),
        },
        "datePosted": vacancy.publication_date.isoformat() if vacancy.publication_date else None,
        "validThrough": f"{vacancy.expiry_date.isoformat()}T23:59:59"
        if vacancy.expiry_date
        else None,
        "employmentType": EMPLOYMENT_TYPES.get(vacancy.working_time, "OTHER"),
        "hiringOrganization": {"@type": "Organization", "name": vacancy.employer.name},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": vacancy.municipality.name,
                "addressRegion": vacancy.municipality.province_code,
                "addressCountry": "IT",
            },
        },
        "occupationalCategory": f"{vacancy.profession.code} {vacancy.profession.name}",
        "totalJobOpenings": vacancy.posts,
        "url": request.build_absolute_uri(canonical_path(vacancy)),
    }
    if vacancy.employer.website:
        data["hiringOrganization"]["sameAs"] = vacancy.employer.website
    if vacancy.pay_min is not None or vacancy.pay_max is not None:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": "YEAR"}
        if vacancy.pay_min is not None:
            value["minValue"] = float(vacancy.pay_min)
        if vacancy.pay_max is not None:
            value["maxValue"] = float(vacancy.pay_max)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "EUR", "value": value}
    return {k: v for k, v in data.items() if v is not None}


def _json_ld(data: dict[str, Any]) -> str:
    # Escape what could close the <script> element or open a comment inside it.
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above, and it is data, not markup


def job_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    vacancy = get_object_or_404(
        published_vacancies().select_related(*BOARD_RELATED, "site", "education_level"), pk=pk
    )
    if slug != slug_of(vacancy):
        return HttpResponsePermanentRedirect(canonical_path(vacancy))
    return render(
        request,
        "vacancies/jobs/detail.html",
        {
            "vacancy": vacancy,
            "languages": list(vacancy.languages.select_related("level")),
            "json_ld": _json_ld(job_posting(request, vacancy)),
            "canonical": request.build_absolute_uri(canonical_path(vacancy)),
            "apply_url": url_if_exists("citizen:apply", vacancy.pk),
            "breadcrumbs": [
                (_("Home"), "/"),
                (_("Offerte di lavoro"), reverse("jobs:search")),
                (vacancy.title, None),
            ],
        },
    )


class VacancySitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "daily"
    limit = 5000

    def items(self) -> QuerySet[Vacancy]:
        return published_vacancies().select_related("municipality").order_by("id")

    def location(self, item: Vacancy) -> str:
        return canonical_path(item)

    def lastmod(self, item: Vacancy) -> Any:
        return item.updated_at


def sitemap(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = sitemap_view(
        request, {"offerte": VacancySitemap()}, template_name="vacancies/jobs/sitemap.xml"
    )
    return response
