"""Operators' pages: the outbox list with filters and one message with attempts and reports.

Scoped like people: messages of the people of the operator's offices; region-wide roles see
every message (those without a person too). Reads are written to the access log.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.web import operator_required
from sil.notifications.forms import MessageFilterForm
from sil.notifications.queries import operator_messages

PAGE_SIZE = 50


def _crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Messaggi"), reverse("notifications:message_list")),
        *last,
    ]


@operator_required
def message_list(request: HttpRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET or None)
    messages = operator_messages(request.user).select_related("person")
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["topic"]:
            messages = messages.filter(topic__startswith=data["topic"])
            filters["topic"] = data["topic"]
        for name in ("channel", "status"):
            if data[name]:
                messages = messages.filter(**{name: data[name]})
                filters[name] = data[name]
    paginator = Paginator(messages.order_by("-created_at", "-id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    log_access(request, rows, AccessAction.LIST)
    return render(
        request,
        "notifications/message_list.html",
        {
            "form": form,
            "page": page,
            "messages_page": rows,
            "page_range": paginator.get_elided_page_range(page.number),
            "querystring": urlencode(filters),
            "breadcrumbs": _crumbs(),
        },
    )


@operator_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(operator_messages(request.user).select_related("person"), pk=pk)
    log_access(request, message)
    return render(
        request,
        "notifications/message_detail.html",
        {
            "message": message,
            "attempts": list(message.delivery_attempts.order_by("at", "id")),
            "reports": list(message.delivery_reports.order_by("received_at", "id")),
            "breadcrumbs": _crumbs((str(message.pk), None)),
        },
    )
