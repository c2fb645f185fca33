"""The live dashboard of a campaign (/operatori/campagne/<pk>/cruscotto/) and its downloads.

A CPI operator sees the figures of their own CPIs only; region-wide roles see every CPI. The
figures block refreshes itself every 30 seconds through htmx: the same template, rendered
alone when htmx asks for it, so the partial is exactly the block of the full page.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.campaigns import exports
from sil.campaigns.dashboard import Dashboard, campaign_dashboard, funnel_chart, progress_chart
from sil.campaigns.models import Campaign
from sil.core.params import parse_id
from sil.core.permissions import visible_office_ids
from sil.core.web import operator_required
from sil.territory.models import Office

REFRESH_SECONDS = 30
FORMATS = ("csv", "xlsx")


def _campaign_url(campaign: Campaign) -> str | None:
    for name, args in (
        ("campaigns:campaign_detail", [campaign.pk]),
        ("campaigns:campaign_list", []),
    ):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def _breadcrumbs(campaign: Campaign, *last: tuple[str, str | None]) -> list[Any]:
    crumbs: list[tuple[str, str | None]] = [(_("Scrivania"), reverse("core:home"))]
    with contextlib.suppress(NoReverseMatch):
        crumbs.append((_("Campagne"), reverse("campaigns:campaign_list")))
    crumbs.append((campaign.name, _campaign_url(campaign)))
    return [*crumbs, *last]


def _office_scope(request: HttpRequest) -> set[int] | None:
    return visible_office_ids(request.user)


def _office_or_404(request: HttpRequest, office_pk: int) -> Office:
    scope = _office_scope(request)
    if scope is not None and office_pk not in scope:
        raise Http404
    return get_object_or_404(Office, pk=office_pk)


def _context(request: HttpRequest, dashboard: Dashboard) -> dict[str, Any]:
    campaign = dashboard.campaign
    if dashboard.office is None:
        here = reverse("campaigns:dashboard", args=[campaign.pk])
    else:
        here = reverse("campaigns:dashboard_office", args=[campaign.pk, dashboard.office.pk])
    office_query = f"?ufficio={dashboard.office.pk}" if dashboard.office else ""
    crumbs = _breadcrumbs(campaign, (_("Cruscotto"), None))
    if dashboard.office is not None:
        board = reverse("campaigns:dashboard", args=[campaign.pk])
        crumbs = [*crumbs[:-1], (_("Cruscotto"), board), (dashboard.office.name, None)]
    return {
        "breadcrumbs": crumbs,
        "campaign": campaign,
        "dashboard": dashboard,
        "office": dashboard.office,
        "funnel": funnel_chart(dashboard.totals),
        "progress": progress_chart(dashboard),
        "refresh_url": here,
        "refresh_seconds": REFRESH_SECONDS,
        "updated_at": timezone.localtime(),
        "office_query": office_query,
        "formats": FORMATS,
        "xlsx_list": dashboard.totals.total <= exports.XLSX_MAX_ROWS,
    }


def _render(request: HttpRequest, dashboard: Dashboard, page: str) -> HttpResponse:
    context = _context(request, dashboard)
    if getattr(request, "htmx", False):
        return render(request, "campaigns/dashboard_figures.html", context)
    return render(request, page, context)


@operator_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("programme"), pk=pk)
    data = campaign_dashboard(campaign, office_ids=_office_scope(request))
    if request.GET.get("formato") == "json":
        return JsonResponse(data.as_dict())
    return _render(request, data, "campaigns/dashboard_campaign.html")


@operator_required
def dashboard_office(request: HttpRequest, pk: int, office_pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("programme"), pk=pk)
    office = _office_or_404(request, office_pk)
    data = campaign_dashboard(campaign, office=office)
    if request.GET.get("formato") == "json":
        return JsonResponse(data.as_dict())
    return _render(request, data, "campaigns/dashboard_office.html")


def _export_scope(request: HttpRequest) -> tuple[set[int] | None, Office | None]:
    """The operator's offices, narrowed to ?ufficio=<pk> when given."""
    scope = _office_scope(request)
    chosen = parse_id(request.GET.get("ufficio", ""))
    if chosen is None:
        return scope, None
    office = _office_or_404(request, chosen)
    return {office.pk}, office


@operator_required  # type: ignore[arg-type]  # streamed responses are not HttpResponse
def export_offices(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The dashboard by CPI (figures only, no personal data)."""
    if fmt not in FORMATS:
        raise Http404
    campaign = get_object_or_404(Campaign, pk=pk)
    scope, office = _export_scope(request)
    data = campaign_dashboard(campaign, office_ids=scope, office=office)
    header, rows = exports.office_header(), exports.office_rows(data)
    if fmt == "csv":
        return exports.csv_response(campaign, "cruscotto", header, rows)
    return exports.xlsx_response(campaign, "cruscotto", _("Cruscotto"), header, rows)


@operator_required  # type: ignore[arg-type]
def export_convocations(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The convocation list (personal data: every person exported is access-logged)."""
    if fmt not in FORMATS:
        raise Http404
    campaign = get_object_or_404(Campaign, pk=pk)
    scope, office = _export_scope(request)
    if fmt == "xlsx" and exports.convocation_count(campaign, scope) > exports.XLSX_MAX_ROWS:
        messages.warning(
            request,
            _(
                "L'elenco è troppo lungo per Excel: scaricarlo in CSV oppure in Excel un CPI "
                "alla volta."
            ),
        )
        if office is not None:
            return redirect("campaigns:dashboard_office", campaign.pk, office.pk)
        return redirect("campaigns:dashboard", campaign.pk)
    exports.log_export(request, campaign, scope)
    header = exports.convocation_header()
    rows = exports.convocation_rows(campaign, scope)
    if fmt == "csv":
        return exports.csv_response(campaign, "convocazioni", header, rows)
    return exports.xlsx_response(campaign, "convocazioni", _("Convocazioni"), header, rows)
