"""The citizen's appointment page reached through the signed link (no login).

Everything is read through links.load: a tampered, superseded or expired token shows a plain
page with the office to call, never the appointment.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sil.appointments import actions, links, offers
from sil.appointments.models import Appointment, Slot


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Perché non puoi venire?"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Scrivi il motivo.")},
    )


def _gone(request: HttpRequest, appointment: Appointment | None, expired: bool) -> HttpResponse:
    return render(
        request,
        "appointments/citizen_gone.html",
        {"appointment": appointment, "expired": expired},
        status=410 if expired else 404,
    )


def _page(
    request: HttpRequest, appointment: Appointment, token: str, **extra: object
) -> HttpResponse:
    context = {
        "appointment": appointment,
        "office": appointment.office,
        "token": token,
        # The same offer do_move checks: one choice per time, the earliest twelve.
        "free_slots": list(offers.citizen_slots(appointment).distinct("starts_at")[:12]),
        "cancel_form": extra.pop("cancel_form", CancelForm()),
        **extra,
    }
    return render(request, "appointments/citizen_appointment.html", context)


@require_http_methods(["GET", "POST"])
def show(request: HttpRequest, token: str) -> HttpResponse:
    try:
        appointment = links.load(token)
    except links.LinkExpired as expired:
        return _gone(request, expired.appointment, True)
    except links.LinkInvalid:
        return _gone(request, None, False)
    if request.method == "GET":
        return _page(request, appointment, token, done=request.GET.get("fatto", ""))
    what = request.POST.get("azione", "")
    try:
        with transaction.atomic():
            if what == "conferma":
                actions.do_confirm(appointment, by_citizen=True)
                return redirect(links.citizen_url(appointment) + "?fatto=conferma")
            if what == "sposta":
                slot = Slot.objects.filter(pk=request.POST.get("slot") or 0).first()
                if slot is None:
                    raise ValidationError(_("Scegli un nuovo orario."))
                new = actions.do_move(appointment, slot, by_citizen=True)
                return redirect(links.citizen_url(new) + "?fatto=sposta")
            if what == "annulla":
                form = CancelForm(request.POST)
                if not form.is_valid():
                    return _page(request, appointment, token, cancel_form=form)
                actions.do_cancel(appointment, reason=form.cleaned_data["reason"], by_citizen=True)
                return render(
                    request, "appointments/citizen_cancelled.html", {"office": appointment.office}
                )
    except ValidationError as error:
        return _page(request, appointment, token, error=" ".join(error.messages))
    return _page(request, appointment, token)
