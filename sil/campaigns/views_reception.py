"""Reception desk of campaigns, launch and sanctions export (under /operatori/campagne/).

The day list shows who is expected at a CPI on a day, who has arrived and who has been seen;
the operator checks people in, records outcomes, and calls back those left without an
appointment. Operators act only on the convocations of their own offices (404 otherwise);
reads of people are written to the access log. Every write goes through an action.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sil.campaigns import launch as launching
from sil.campaigns import outcomes, sanctions
from sil.campaigns.forms_reception import DayForm, OutcomeForm
from sil.campaigns.models import Campaign, CampaignState, Convocation
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.permissions import visible_office_ids
from sil.core.web import operator_required

CALL_BACK_LIMIT = 50
EVENT_LABELS = {
    "assigned": _lazy("assegnata al CPI"),
    "scheduled": _lazy("appuntamento fissato"),
    "invited": _lazy("convocazione inviata"),
    "confirmed": _lazy("appuntamento confermato"),
    "moved": _lazy("appuntamento spostato"),
    "cannot_come": _lazy("la persona ha detto che non può venire"),
    "appointment_cancelled": _lazy("appuntamento annullato dall'ufficio"),
    "outcome": _lazy("esito registrato"),
}


def _crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Accoglienza delle convocazioni"), reverse("campaigns:reception_day")),
        *last,
    ]


def _convocations(request: HttpRequest) -> QuerySet[Convocation]:
    offices = visible_office_ids(request.user)
    queryset = Convocation.objects.all()
    if offices is None:
        return queryset
    return queryset.filter(office_id__in=sorted(offices))


def _convocation_or_404(request: HttpRequest, pk: int) -> Convocation:
    convocation = (
        _convocations(request)
        .select_related("person", "appointment__office", "campaign__programme", "office")
        .filter(pk=pk)
        .first()
    )
    if convocation is None:
        outside = Convocation.objects.filter(pk=pk).select_related("person").first()
        if outside is not None:
            log_access(request, outside.person, AccessAction.DENIED)
        raise Http404
    return convocation


def _day_url(convocation: Convocation) -> str:
    url = reverse("campaigns:reception_day")
    appointment = convocation.appointment
    if appointment is None or convocation.office_id is None:
        return url
    day = timezone.localdate(appointment.starts_at)
    query = urlencode({"office": str(appointment.office_id), "day": day.isoformat()})
    return f"{url}?{query}"


def _back(request: HttpRequest, convocation: Convocation) -> str:
    back = request.POST.get("back", "")
    return back if back.startswith("/operatori/") else _day_url(convocation)


@operator_required
def reception_day(request: HttpRequest) -> HttpResponse:
    offices = list(outcomes.reception_offices(request.user))
    if not offices:
        raise PermissionDenied
    choices = [(office.pk, office.name) for office in offices]
    form = DayForm(request.GET or None, offices=choices)
    office_id, day = offices[0].pk, timezone.localdate()
    if form.is_bound and form.is_valid():
        office_id, day = form.cleaned_data["office"], form.cleaned_data["day"]
    elif not form.is_bound:
        form = DayForm(initial={"office": office_id, "day": day}, offices=choices)
    office = next(o for o in offices if o.pk == office_id)
    convocations = list(outcomes.day_list(office_id, day))
    call_back = list(outcomes.to_call_back(office_id)[:CALL_BACK_LIMIT])
    log_access(
        request,
        [c.person for c in convocations] + [c.person for c in call_back],
        action=AccessAction.LIST,
    )
    return render(
        request,
        "campaigns/reception_day.html",
        {
            "form": form,
            "office": office,
            "day": day,
            "is_today": day == timezone.localdate(),
            "convocations": convocations,
            "counts": outcomes.day_counts(convocations),
            "call_back": call_back,
            "call_back_limit": CALL_BACK_LIMIT,
            "back": request.get_full_path(),
            "breadcrumbs": _crumbs(),
        },
    )


@operator_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    from sil.appointments.actions import do_check_in

    convocation = _convocation_or_404(request, pk)
    if convocation.appointment is None:
        messages.error(request, _("La persona non ha un appuntamento."))
    else:
        try:
            do_check_in(convocation.appointment, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s è arrivato/a.") % {"name": convocation.person.full_name},
            )
    return redirect(_back(request, convocation))


def pact_url(convocation: Convocation) -> str:
    try:
        url = reverse("services:pact_create", args=[convocation.person_id])
    except NoReverseMatch:  # services pages not installed
        return ""
    query = urlencode({"topic": convocation.campaign.topic, "convocation": str(convocation.pk)})
    return f"{url}?{query}"


@operator_required
def record_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    convocation = _convocation_or_404(request, pk)
    form = OutcomeForm(request.POST or None, offered=outcomes.outcomes_now(convocation.appointment))
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.do_record_outcome(
                convocation,
                form.cleaned_data["outcome"],
                by=request.user,
                note=form.cleaned_data["note"].strip(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Esito registrato."))
            return redirect(_back(request, convocation))
    elif request.method == "GET":
        log_access(request, convocation.person, purpose="esito della convocazione")
    title = _("Esito della convocazione")
    return render(
        request,
        "campaigns/reception_outcome.html",
        {
            "convocation": convocation,
            "person": convocation.person,
            "appointment": convocation.appointment,
            "form": form,
            "signed_pact": outcomes.signed_pact(convocation),
            "pact_url": pact_url(convocation),
            "events": [
                (event.at, EVENT_LABELS.get(event.kind, event.kind))
                for event in convocation.events.order_by("at", "id")
            ],
            "back": request.POST.get("back") or request.GET.get("back") or _day_url(convocation),
            "title": title,
            "breadcrumbs": _crumbs((convocation.person.full_name, None)),
        },
    )


@operator_required
@require_POST
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    convocation = _convocation_or_404(request, pk)
    if convocation.appointment_id is not None or convocation.state not in ("assigned", "to_assign"):
        messages.error(request, _("La convocazione ha già un appuntamento."))
        return redirect(_back(request, convocation))
    try:
        appointment = outcomes.do_reschedule(convocation, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_back(request, convocation))
    if appointment is None:
        messages.warning(
            request, _("Nessun posto libero prima del termine: aggiungere disponibilità.")
        )
    else:
        local = timezone.localtime(appointment.starts_at)
        messages.success(
            request,
            _("Nuovo appuntamento il %(day)s alle %(time)s; convocazione inviata.")
            % {"day": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")},
        )
    return redirect(_back(request, convocation))


# ---------------------------------------------------------------------------------------------
# Launch


def _campaign_url(campaign: Campaign) -> str:
    for name in ("campaigns:campaign_detail", "campaigns:detail"):
        try:
            return reverse(name, args=[campaign.pk])
        except NoReverseMatch:
            continue
    return reverse("campaigns:launch_status", args=[campaign.pk])


def _launch_context(campaign: Campaign) -> dict[str, Any]:
    from sil.notifications.models import OutboxMessage

    status = launching.launch_status(campaign)
    convocations = Convocation.objects.filter(campaign=campaign)
    return {
        "campaign": campaign,
        "status": status,
        "convocations": convocations.count(),
        "scheduled": convocations.filter(appointment__isnull=False).count(),
        "invited": convocations.exclude(invited_at=None).count(),
        "messages": OutboxMessage.objects.filter(topic=campaign.topic).count(),
    }


@operator_required
def launch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the launch will do and a confirmation button; POST: launch."""
    from sil.campaigns.machine import may_move

    campaign = get_object_or_404(Campaign.objects.select_related("programme"), pk=pk)
    if not may_move(request.user, campaign.state, CampaignState.RUNNING):
        raise PermissionDenied
    if request.method == "POST":
        try:
            result = launching.launch(campaign, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if result.deferred:
                messages.info(
                    request,
                    _("Avvio in corso in background per %(count)d convocazioni.")
                    % {"count": result.convocations},
                )
                return redirect("campaigns:launch_status", pk=campaign.pk)
            messages.success(
                request,
                _(
                    "Campagna avviata: %(scheduled)d appuntamenti, %(messages)d messaggi in "
                    "coda, %(unscheduled)d persone senza posto."
                )
                % {
                    "scheduled": result.scheduled,
                    "messages": result.messages,
                    "unscheduled": result.unscheduled,
                },
            )
            return redirect(_campaign_url(campaign))
    context = _launch_context(campaign)
    context.update(
        worker=context["convocations"] > launching.WORKER_THRESHOLD,
        campaign_url=_campaign_url(campaign),
        breadcrumbs=[
            (_("Scrivania"), reverse("core:home")),
            (str(campaign.name), _campaign_url(campaign)),
            (_("Avvio"), None),
        ],
    )
    return render(request, "campaigns/reception_launch.html", context)


@operator_required
def launch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Live status of a launch run by the worker (the fragment refreshes itself with htmx)."""
    campaign = get_object_or_404(Campaign, pk=pk)
    context = _launch_context(campaign)
    context["campaign_url"] = _campaign_url(campaign)
    if getattr(request, "htmx", False):
        response = render(request, "campaigns/reception_launch_status.html", context)
        if not context["status"].running:
            response.status_code = 286  # htmx stops polling
        return response
    context["breadcrumbs"] = [
        (_("Scrivania"), reverse("core:home")),
        (str(campaign.name), context["campaign_url"]),
        (_("Stato dell'avvio"), None),
    ]
    return render(request, "campaigns/reception_launch_progress.html", context)


# ---------------------------------------------------------------------------------------------
# Sanctions


def _sanction_offices(request: HttpRequest) -> set[int] | None:
    offices = visible_office_ids(request.user)
    if offices is not None and not offices:
        raise PermissionDenied
    return offices


@operator_required
def sanctions_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("programme"), pk=pk)
    offices = _sanction_offices(request)
    return render(
        request,
        "campaigns/reception_sanctions.html",
        {
            "campaign": campaign,
            "pending": sanctions.events(campaign, offices=offices).count(),
            "batches": sanctions.batches(campaign) if offices is None else [],
            "may_mark": offices is None,
            "breadcrumbs": [
                (_("Scrivania"), reverse("core:home")),
                (str(campaign.name), _campaign_url(campaign)),
                (_("Eventi sanzionabili"), None),
            ],
        },
    )


_CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@operator_required
def sanctions_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """GET: the events not yet transmitted (or ?lotto=<batch>); POST: the same, marked sent."""
    if fmt not in sanctions.FORMATS:
        raise Http404
    campaign = get_object_or_404(Campaign, pk=pk)
    offices = _sanction_offices(request)
    mark = request.method == "POST"
    if mark and offices is not None:
        raise PermissionDenied  # the Region transmits to the national platform
    batch = request.GET.get("lotto", "")[:40]
    try:
        result = sanctions.export(
            campaign, fmt, mark_sent=mark, batch=batch, by=request.user, offices=offices
        )
    except sanctions.SanctionExportError as exc:
        messages.error(request, str(exc))
        return redirect("campaigns:sanctions", pk=campaign.pk)
    log_access(request, [e.person for e in result.events], action=AccessAction.EXPORT)
    suffix = f"-{result.batch}" if result.batch else ""
    name = f"eventi-sanzionabili-{campaign.slug}{suffix}.{fmt}"
    response = HttpResponse(result.content, content_type=_CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
