"""Operator screens of campaigns (/operatori/campagne/): list, editor, texts, capacities,
import of the list with its report, dry run, state moves.

Campaigns themselves hold no personal data; the import report names rows, not people, and the
convocations are reached through the office-scoped pages of reception and dashboard.
Creating and changing campaigns is for region-wide roles and CPI managers (machine.may_edit).
"""

from __future__ import annotations

import uuid
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.campaigns import actions
from sil.campaigns.dryrun import chart_config, dry_run, sms_figures
from sil.campaigns.forms import CampaignForm, CapacityForm, ImportForm, TemplatesForm
from sil.campaigns.importer import import_file
from sil.campaigns.machine import (
    CampaignTransitionError,
    allowed_targets,
    may_edit,
    may_move,
    readiness_problems,
)
from sil.campaigns.models import (
    OPEN_CONVOCATION_STATES,
    Campaign,
    CampaignState,
    ImportBatch,
    ImportStatus,
    OfficeCapacity,
)
from sil.core.web import operator_required
from sil.territory.models import Office

# Uploads up to this size are imported during the request; bigger ones go to the worker.
SYNC_IMPORT_MAX_BYTES = 1_000_000
IMPORT_DIR = "campaign-imports"
STATUS_REFRESH_SECONDS = 2


def editor_required(view: Any) -> Any:
    """Operators who may create and change campaigns (region-wide roles, CPI managers)."""

    @operator_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_edit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return wrapper


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("programme"), pk=pk)


def _crumbs(campaign: Campaign | None = None, *last: tuple[str, str | None]) -> list[Any]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Scrivania"), reverse("core:home")),
        (_("Campagne"), reverse("campaigns:campaign_list")),
    ]
    if campaign is not None:
        crumbs.append((campaign.name, reverse("campaigns:campaign_detail", args=[campaign.pk])))
    return [*crumbs, *last]


def _optional_url(name: str, *args: Any) -> str | None:
    """Pages of other areas (launch, dashboard) when they are installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@operator_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.select_related("programme")
        .annotate(
            n_convocations=Count(
                "convocations",
                filter=Q(convocations__state__in=[str(s) for s in OPEN_CONVOCATION_STATES]),
            )
        )
        .order_by("-created_at")
    )
    state = request.GET.get("stato", "")
    if state in CampaignState.values:
        campaigns = campaigns.filter(state=state)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaigns[:200],
            "states": CampaignState.choices,
            "state": state,
            "can_edit": may_edit(request.user),
            "breadcrumbs": [(_("Scrivania"), reverse("core:home")), (_("Campagne"), None)],
        },
    )


@editor_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = actions.do_create_campaign(form.cleaned_data, by=request.user)
        messages.success(
            request,
            _("Campagna creata con i testi predefiniti: controllarli e importare la lista."),
        )
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {
            "form": form,
            "title": _("Nuova campagna"),
            "cancel_url": reverse("campaigns:campaign_list"),
            "breadcrumbs": _crumbs(None, (_("Nuova campagna"), None)),
        },
    )


@editor_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    if campaign.state != CampaignState.DRAFT:
        messages.error(request, _("Si può modificare solo una campagna in bozza."))
        return redirect("campaigns:campaign_detail", pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_campaign(campaign, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Campagna aggiornata."))
            return redirect("campaigns:campaign_detail", pk=pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": _("Modifica della campagna"),
            "cancel_url": reverse("campaigns:campaign_detail", args=[pk]),
            "breadcrumbs": _crumbs(campaign, (_("Modifica"), None)),
        },
    )


@operator_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    offices = list(
        campaign.convocations.filter(office__isnull=False)
        .values("office_id", "office__code", "office__name")
        .annotate(n=Count("id"))
        .order_by("office__code")
    )
    capacities = dict(
        OfficeCapacity.objects.filter(campaign=campaign).values_list("office_id", "per_day")
    )
    for row in offices:
        row["per_day"] = capacities.get(row["office_id"])  # type: ignore[misc]
    user = request.user
    moves = [
        {"target": target, "label": CampaignState(target).label}
        for target in allowed_targets(campaign.state)
        if target != CampaignState.RUNNING and may_move(user, campaign.state, target)
    ]
    problems = readiness_problems(campaign) if campaign.state == CampaignState.DRAFT else []
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "offices": offices,
            "total": sum(row["n"] for row in offices),
            "excluded": campaign.exclusions.count(),
            "imports": list(campaign.imports.select_related("by")[:10]),
            "templates": campaign.templates.order_by("step", "channel", "language"),
            "problems": problems,
            "moves": moves,
            "can_edit": may_edit(user) and campaign.state == CampaignState.DRAFT,
            "can_launch": campaign.state == CampaignState.READY
            and may_move(user, CampaignState.READY, CampaignState.RUNNING),
            "launch_url": _optional_url("campaigns:launch", campaign.pk),
            "dashboard_url": _optional_url("campaigns:dashboard", campaign.pk),
            "breadcrumbs": _crumbs(None, (campaign.name, None)),
        },
    )


@editor_required
def campaign_templates(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    editable = campaign.state == CampaignState.DRAFT
    form = TemplatesForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and editable and form.is_valid():
        try:
            actions.do_save_templates(campaign, form.texts(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Testi salvati."))
            return redirect("campaigns:campaign_detail", pk=pk)
    for group in form.groups:
        if group["channel"] == "sms":
            group["sms"] = sms_figures(group["body"].value() or "")
    return render(
        request,
        "campaigns/campaign_templates.html",
        {
            "campaign": campaign,
            "form": form,
            "editable": editable,
            "placeholders": "{nome} {cognome} {data} {ora} {sede} {indirizzo} {link} {telefono}",
            "breadcrumbs": _crumbs(campaign, (_("Testi dei messaggi"), None)),
        },
    )


@editor_required
@require_POST
def sms_counter(request: HttpRequest, pk: int) -> HttpResponse:
    """The live SMS counter (htmx): encoding and segments of the posted text."""
    _campaign(pk)
    text = next((v for k, v in request.POST.items() if k.startswith("body__")), "")
    return render(request, "campaigns/_sms_counter.html", {"sms": sms_figures(text[:5000])})  # type: ignore[arg-type]


@editor_required
def campaign_capacities(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    office_ids = set(
        campaign.convocations.filter(office__isnull=False)
        .values_list("office_id", flat=True)
        .distinct()
    )
    stored = dict(
        OfficeCapacity.objects.filter(campaign=campaign).values_list("office_id", "per_day")
    )
    office_ids |= set(stored)
    offices = list(Office.objects.filter(pk__in=office_ids).order_by("code"))
    defaults = actions.default_capacities(campaign, office_ids)
    initial = {**defaults, **stored}
    form = CapacityForm(request.POST or None, offices=offices, initial_values=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_capacities(campaign, form.capacities(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Capacità salvate."))
            return redirect("campaigns:campaign_detail", pk=pk)
    rows = [
        {"office": office, "field": field, "default": defaults.get(office.pk, 0)}
        for office, field in form.rows
    ]
    return render(
        request,
        "campaigns/campaign_capacities.html",
        {
            "campaign": campaign,
            "form": form,
            "rows": rows,
            "breadcrumbs": _crumbs(campaign, (_("Capacità dei CPI"), None)),
        },
    )


def _save_upload(upload: Any) -> Path:
    folder = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@editor_required
def campaign_import(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry = form.cleaned_data["dry_run"]
        if campaign.state != CampaignState.DRAFT and not dry:
            form.add_error(None, _("La lista si può importare solo in una campagna in bozza."))
        else:
            path = _save_upload(upload)
            if upload.size <= SYNC_IMPORT_MAX_BYTES:
                try:
                    report = import_file(
                        path, campaign, dry_run=dry, by=request.user, file_name=upload.name
                    )
                finally:
                    path.unlink(missing_ok=True)
                return redirect("campaigns:import_status", pk=pk, batch=report.batch)
            from sil.campaigns.importer import enqueue_import

            batch = enqueue_import(campaign, path, upload.name, dry_run=dry, by=request.user)
            return redirect("campaigns:import_status", pk=pk, batch=batch.pk)
    return render(
        request,
        "campaigns/campaign_import.html",
        {
            "campaign": campaign,
            "form": form,
            "imports": list(campaign.imports.select_related("by")[:10]),
            "breadcrumbs": _crumbs(campaign, (_("Importa la lista"), None)),
        },
    )


@operator_required
def import_status(request: HttpRequest, pk: int, batch: int) -> HttpResponse:
    campaign = _campaign(pk)
    item = get_object_or_404(ImportBatch, pk=batch, campaign=campaign)
    pending = item.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    context = {
        "campaign": campaign,
        "batch": item,
        "report": item.report,
        "pending": pending,
        "percent": int(100 * item.processed / item.total) if item.total else 0,
        "refresh_seconds": STATUS_REFRESH_SECONDS,
        "breadcrumbs": _crumbs(campaign, (_("Esito dell'importazione"), None)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "campaigns/_import_report.html", context)
    return render(request, "campaigns/import_status.html", context)


@operator_required
def campaign_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    run = dry_run(campaign)
    if request.GET.get("format") == "json":
        return JsonResponse(run.as_dict(), json_dumps_params={"ensure_ascii": False})
    config, table = chart_config(run)
    return render(
        request,
        "campaigns/campaign_dry_run.html",
        {
            "campaign": campaign,
            "run": run,
            "excluded_total": sum(run.excluded.values()),
            "excluded_rows": [
                (label, run.excluded[code])
                for code, label in _exclusion_labels()
                if code in run.excluded
            ],
            "chart": config,
            "table": table,
            "chart_title": _("Posti disponibili e appuntamenti previsti per giorno"),
            "can_launch": campaign.state == CampaignState.READY
            and may_move(request.user, CampaignState.READY, CampaignState.RUNNING),
            "launch_url": _optional_url("campaigns:launch", campaign.pk),
            "breadcrumbs": _crumbs(campaign, (_("Simulazione"), None)),
        },
    )


def _exclusion_labels() -> list[tuple[str, str]]:
    from sil.campaigns.models import ExclusionReason

    return [(code, str(label)) for code, label in ExclusionReason.choices]


@operator_required
@require_POST
def campaign_move(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    target = request.POST.get("target", "")
    if target not in CampaignState.values:
        raise Http404
    try:
        actions.do_move_campaign(campaign, target, by=request.user)
    except CampaignTransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("La campagna ora è %(state)s.") % {"state": CampaignState(target).label},
        )
    return redirect("campaigns:campaign_detail", pk=pk)
