"""Operators' DID pages: a person's DIDs and the forms that move the state machine.

Every DID is reached through the operator's scope (its person's competent office); reads of
personal data are written to the access log; every write goes through sil.did.actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.core.audit import log_access
from sil.core.web import operator_required
from sil.did import actions
from sil.did.forms import DeclareForm, LapseForm, ResumeForm, RevokeForm, SuspendForm
from sil.did.machine import DidTransitionError, allowed_kinds
from sil.did.models import Did, DidEventKind
from sil.did.seniority import seniority
from sil.people.access import person_breadcrumbs, person_or_404
from sil.people.models import Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # dev-only package: typing only


def panel_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    """What the DID panel of the person page shows (three queries whatever the history)."""
    dids = list(Did.objects.filter(person=person).with_history().order_by("-did_date", "-id"))
    current = next((did for did in dids if did.is_open), None)
    today = timezone.localdate()
    kinds = allowed_kinds(current.state) if current else []
    return {
        "dids": dids,
        "current_did": current,
        "seniority": seniority(current, today) if current else None,
        "can_start_job": DidEventKind.SUSPEND in kinds,
        "can_end_job": DidEventKind.RESUME in kinds,
        "can_close": DidEventKind.LAPSE in kinds,
    }


def _person_url(person: Person) -> str:
    return reverse("people:person_detail", args=[person.pk]) + "#did"


def _breadcrumbs(person: Person, title: str) -> list[tuple[str, str | None]]:
    return person_breadcrumbs(person, (title, None))


@operator_required
def person_dids(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = person_or_404(request, person_pk)
    context = panel_context(request, person)
    log_access(request, person)
    log_access(request, context["dids"], action="list")
    title = _("DID e stato di disoccupazione")
    return render(
        request,
        "did/person_dids.html",
        {"person": person, "title": title, "breadcrumbs": _breadcrumbs(person, title), **context},
    )


def _form_page(
    request: HttpRequest,
    person: Person,
    form: forms.Form,
    title: str,
    did: Did | None = None,
) -> HttpResponse:
    return render(
        request,
        "did/did_form.html",
        {
            "person": person,
            "did": did,
            "form": form,
            "title": title,
            "cancel_url": _person_url(person),
            "breadcrumbs": _breadcrumbs(person, title),
        },
    )


@operator_required
def declare(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = person_or_404(request, person_pk)
    form = DeclareForm(request.POST or None, initial={"did_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_declare_did(
                person,
                data["did_date"],
                data["channel"],
                national_id=data["national_id"],
                note=data["note"],
                by=request.user,
            )
        except DidTransitionError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("DID registrata."))
            return redirect(_person_url(person))
    elif request.method == "GET":
        log_access(request, person)
    return _form_page(request, person, form, _("Registra una DID"))


@dataclass(frozen=True)
class DidAction:
    form: type[forms.Form]
    title: StrOrPromise
    done: StrOrPromise
    run: Callable[[Did, dict[str, Any], Any], Any]


ACTIONS: dict[str, DidAction] = {
    "job_start": DidAction(
        SuspendForm,
        gettext_lazy("Inizio di un rapporto di lavoro"),
        gettext_lazy("Inizio del rapporto di lavoro registrato."),
        lambda did, data, by: actions.do_suspend(
            did,
            data["start_date"],
            data["projected_annual_income"],
            income_kind=data["income_kind"],
            source_reference=data["source_reference"],
            note=data["note"],
            by=by,
        ),
    ),
    "job_end": DidAction(
        ResumeForm,
        gettext_lazy("Fine del rapporto di lavoro"),
        gettext_lazy("DID di nuovo attiva."),
        lambda did, data, by: actions.do_resume(
            did,
            data["end_date"],
            source_reference=data["source_reference"],
            note=data["note"],
            by=by,
        ),
    ),
    "lapse": DidAction(
        LapseForm,
        gettext_lazy("Decadenza della DID"),
        gettext_lazy("Decadenza registrata."),
        lambda did, data, by: actions.do_lapse(
            did, data["effective_date"], data["reason"], note=data["note"], by=by
        ),
    ),
    "revoke": DidAction(
        RevokeForm,
        gettext_lazy("Revoca della DID"),
        gettext_lazy("Revoca registrata."),
        lambda did, data, by: actions.do_revoke(
            did, data["effective_date"], note=data["note"], by=by
        ),
    ),
}


@operator_required
def did_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    spec = ACTIONS[action]
    did = get_object_or_404(Did.objects.for_operator(request.user).select_related("person"), pk=pk)
    form = spec.form(request.POST or None, initial={"effective_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            spec.run(did, form.cleaned_data, request.user)
        except DidTransitionError as exc:
            form.add_action_errors(exc)  # type: ignore[attr-defined]
        else:
            messages.success(request, str(spec.done))
            return redirect(_person_url(did.person))
    elif request.method == "GET":
        log_access(request, did)
    return _form_page(request, did.person, form, str(spec.title), did)
