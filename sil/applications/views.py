"""Operators' pages on applications: list with filters, detail with history, state changes.

Scoped by `Application.objects.for_operator` (vacancy's CPI, person's competent CPI, or the
employer's CPI for spontaneous ones); anything else is 404. Reads are written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.applications.actions import do_change_state
from sil.applications.citizen_views import public_vacancy_url
from sil.applications.forms import ApplicationFilterForm, StateChangeForm
from sil.applications.machine import ApplicationTransitionError, allowed_targets
from sil.applications.models import OPEN_STATES, Actor, Application
from sil.applications.queries import operator_applications, with_events
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.permissions import visible_office_ids
from sil.core.web import operator_required
from sil.notifications.models import OutboxMessage
from sil.territory.models import Office, OfficeKind

PAGE_SIZE = 25


def _offices(user: Any) -> Any:
    ids = visible_office_ids(user)
    offices = Office.objects.order_by("name", "id")
    if ids is None:
        return offices.filter(kind=OfficeKind.CPI, is_active=True)
    return offices.filter(id__in=sorted(ids))


def _crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Candidature"), reverse("applications:application_list")),
        *last,
    ]


@operator_required
def application_list(request: HttpRequest) -> HttpResponse:
    form = ApplicationFilterForm(request.GET or None, offices=_offices(request.user))
    applications = operator_applications(request.user)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["vacancy"]:
            applications = applications.filter(vacancy_id=data["vacancy"])
            filters["vacancy"] = data["vacancy"]
        if data["state"] == "open":
            applications = applications.filter(state__in=OPEN_STATES)
        elif data["state"]:
            applications = applications.filter(state=data["state"])
        if data["state"]:
            filters["state"] = data["state"]
        if data["office"]:
            office = data["office"]
            applications = applications.filter(
                Q(vacancy__office=office) | Q(person__competent_office=office)
            )
            filters["office"] = office.pk
    paginator = Paginator(applications.order_by("-created_at", "-id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    log_access(request, rows, AccessAction.LIST)
    return render(
        request,
        "applications/application_list.html",
        {
            "form": form,
            "page": page,
            "applications": rows,
            "page_range": paginator.get_elided_page_range(page.number),
            "querystring": urlencode(filters),
            "breadcrumbs": _crumbs(),
        },
    )


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(with_events(operator_applications(request.user)), pk=pk)


@operator_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    log_access(request, application)
    targets = allowed_targets(application.state, Actor.OPERATOR)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "events": list(application.events.all()),
            "notifications": list(
                application.notifications.order_by("created_at", "id").prefetch_related(
                    Prefetch("outbox_messages", OutboxMessage.objects.order_by("recipient", "id"))
                )
            ),
            "form": StateChangeForm(targets=targets) if targets else None,
            "vacancy_url": public_vacancy_url(application.vacancy),
            "breadcrumbs": _crumbs((str(application), None)),
        },
    )


@require_POST
@operator_required
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    targets = allowed_targets(application.state, Actor.OPERATOR)
    form = StateChangeForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            do_change_state(
                application,
                form.cleaned_data["state"],
                request.user,
                note=form.cleaned_data["note"],
            )
        except (ApplicationTransitionError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Stato della candidatura aggiornato."))
            return redirect("applications:application_detail", pk=application.pk)
    else:
        messages.error(request, _("Scegliere uno stato consentito."))
    return redirect("applications:application_detail", pk=application.pk)
