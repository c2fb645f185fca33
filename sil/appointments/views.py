"""Operator screens of appointments (/operatori/agende/): the day list and the iCalendar feed.

The day list is also the reception list: one office, one day. Offices are those the operator
belongs to (regional roles see all); names shown are written to the access log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.appointments import actions, ics, machine, queries
from sil.appointments.forms import SlotsForm, SlotTemplateForm
from sil.appointments.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Calendar,
    Slot,
    SlotTemplate,
)
from sil.core.audit import log_access
from sil.core.params import parse_day
from sil.core.permissions import visible_office_ids
from sil.core.web import operator_required
from sil.territory.models import Office


def _office_or_404(request: HttpRequest, code: str) -> Office:
    office = get_object_or_404(Office, code=code)
    visible = visible_office_ids(request.user)
    if visible is not None and office.pk not in visible:
        raise Http404
    return office


def _visible_offices(request: HttpRequest) -> list[Office]:
    visible = visible_office_ids(request.user)
    offices = Office.objects.filter(is_active=True, calendars__isnull=False).distinct()
    if visible is not None:
        offices = Office.objects.filter(pk__in=visible)
    return list(offices.order_by("name"))


def _crumbs(office: Office, title: str) -> list[tuple[str, str | None]]:
    return [
        (_("Agende"), reverse("appointments:index")),
        (office.name, reverse("appointments:week", kwargs={"office": office.code})),
        (title, None),
    ]


@operator_required
def index(request: HttpRequest) -> HttpResponse:
    """The operator's offices, their calendars and the operator's own feed address."""
    offices = _visible_offices(request)
    calendars = Calendar.objects.filter(office__in=offices, is_active=True).select_related(
        "office", "operator"
    )
    own = [c for c in calendars if c.operator_id == request.user.pk]
    return render(
        request,
        "appointments/index.html",
        {
            "offices": offices,
            "calendars": calendars,
            "own_calendars": [
                (c, request.build_absolute_uri(reverse("appointments:feed", args=[c.feed_token])))
                for c in own
            ],
            "breadcrumbs": [(_("Agende"), None)],
        },
    )


@operator_required
def week(request: HttpRequest, office: str) -> HttpResponse:
    """A calendar week: slots and bookings per calendar and day (counts, no names)."""
    the_office = _office_or_404(request, office)
    start = parse_day(request.GET.get("da", "")) or timezone.localdate()
    monday = start - dt.timedelta(days=start.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(6)]
    tz = timezone.get_current_timezone()
    lower = timezone.make_aware(dt.datetime.combine(monday, dt.time.min), tz)
    upper = lower + dt.timedelta(days=7)
    live = [str(s) for s in LIVE_STATUSES]
    counts = (
        Slot.objects.filter(office=the_office, starts_at__gte=lower, starts_at__lt=upper)
        .values("calendar_id", "starts_at__date")
        .annotate(
            total=Count("id", distinct=True),
            booked=Count("appointments", filter=Q(appointments__status__in=live), distinct=True),
            blocked=Count("id", filter=Q(is_blocked=True), distinct=True),
        )
    )
    cells: dict[tuple[int, dt.date], dict[str, Any]] = {
        (row["calendar_id"], row["starts_at__date"]): dict(row) for row in counts
    }
    calendars = list(Calendar.objects.filter(office=the_office, is_active=True))
    rows = [(c, [cells.get((c.pk, day)) for day in days]) for c in calendars]
    return render(
        request,
        "appointments/week.html",
        {
            "office": the_office,
            "days": days,
            "rows": rows,
            "previous_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "breadcrumbs": _crumbs(the_office, _("Settimana")),
        },
    )


@operator_required
def slots(request: HttpRequest, office: str) -> HttpResponse:
    """Weekly templates of the office's calendars and mass creation of slots from them."""
    the_office = _office_or_404(request, office)
    form = SlotsForm(request.POST or None, office=the_office, prefix="slots")
    template_form = SlotTemplateForm(request.POST or None, office=the_office, prefix="tpl")
    if request.method == "POST" and "tpl-calendar" in request.POST:
        if template_form.is_valid():
            actions.do_add_slot_template(**template_form.cleaned_data, by=request.user)
            messages.success(request, _("Modello di disponibilità aggiunto."))
            return redirect(request.path)
    elif request.method == "POST" and form.is_valid():
        target = form.cleaned_data["calendar"] or the_office
        try:
            created = actions.do_create_slots(
                target,
                form.cleaned_data["date_from"],
                form.cleaned_data["date_to"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Slot creati: %(n)d.") % {"n": created})
            return redirect(request.path)
    templates = SlotTemplate.objects.filter(calendar__office=the_office).select_related("calendar")
    return render(
        request,
        "appointments/slots.html",
        {
            "office": the_office,
            "form": form,
            "template_form": template_form,
            "templates": templates,
            "breadcrumbs": _crumbs(the_office, _("Disponibilità e slot")),
        },
    )


@operator_required
def day_list(request: HttpRequest, office: str) -> HttpResponse:
    the_office = _office_or_404(request, office)
    day = parse_day(request.GET.get("data", "")) or timezone.localdate()
    appointments = list(queries.day_list(the_office, day))
    now = timezone.now()
    for appointment in appointments:
        # Only what may be recorded now: no arrival or no-show ahead of time.
        appointment.actions_now = machine.actions_now(appointment, now)
    log_access(request, [a.person for a in appointments], action="list", purpose="day_list")
    return render(
        request,
        "appointments/day_list.html",
        {
            "office": the_office,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "appointments": appointments,
            "breadcrumbs": _crumbs(the_office, _("Appuntamenti del giorno")),
        },
    )


def _kind_label(kind: str) -> str:
    # Event kinds are the status they lead to.
    return str(AppointmentStatus(kind).label) if kind in AppointmentStatus.values else kind


@operator_required
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One appointment: its history, and moving or cancelling it for the person."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("office", "person", "slot__calendar", "moved_to"),
        pk=pk,
    )
    office = _office_or_404(request, appointment.office.code)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("azione") == "sposta":
                # do_move checks that the slot is free and still ahead.
                chosen = Slot.objects.filter(
                    office=office, pk=request.POST.get("slot") or 0
                ).first()
                if chosen is None:
                    raise ValidationError(_("Scegli un orario libero."))
                new = actions.do_move(appointment, chosen, by=request.user)
                messages.success(request, _("Appuntamento spostato."))
                return redirect("appointments:appointment", pk=new.pk)
            if request.POST.get("azione") == "annulla":
                actions.do_cancel(
                    appointment, reason=request.POST.get("reason", ""), by=request.user
                )
                messages.success(request, _("Appuntamento annullato."))
                return redirect("appointments:appointment", pk=appointment.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    log_access(request, appointment.person, purpose="appointment")
    return render(
        request,
        "appointments/appointment.html",
        {
            "appointment": appointment,
            "office": office,
            "events": [
                (event, _kind_label(event.kind))
                for event in appointment.events.select_related("by")
            ],
            "free_slots": list(queries.free_slots(office, limit=30).select_related("calendar")),
            "open": appointment.status in ("booked", "confirmed"),
            "error": error,
            "breadcrumbs": _crumbs(office, _("Appuntamento")),
        },
    )


@operator_required
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("office", "office__municipality"), pk=pk
    )
    _office_or_404(request, appointment.office.code)
    response = HttpResponse(ics.appointment_ics(appointment), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="appuntamento-{appointment.pk}.ics"'
    return response


@operator_required
@require_POST
def appointment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    appointment = get_object_or_404(Appointment.objects.select_related("office"), pk=pk)
    _office_or_404(request, appointment.office.code)
    try:
        if action == "check_in":
            actions.do_check_in(appointment, by=request.user)
        elif action == "done":
            actions.do_close(appointment, attended=True, by=request.user)
        elif action == "missed":
            actions.do_close(appointment, attended=False, by=request.user)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Appuntamento aggiornato."))
    day = timezone.localdate(appointment.starts_at).isoformat()
    url = reverse("appointments:day_list", kwargs={"office": appointment.office.code})
    return redirect(f"{url}?data={day}")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """An operator's agenda for calendar apps; the token in the URL is the only credential."""
    calendar = get_object_or_404(Calendar, feed_token=token, is_active=True)
    lower, upper = ics.feed_window()
    appointments = (
        Appointment.objects.live()
        .filter(slot__calendar=calendar, starts_at__range=(lower, upper))
        .select_related("person", "office", "office__municipality")
    )
    response = HttpResponse(ics.feed_ics(calendar, appointments), content_type="text/calendar")
    response["Cache-Control"] = "no-store"
    return response
