"""Operators' pages on active policies: list, add, edit, remove, and append events.

The person is always fetched through Person.objects.for_operator(request.user); reads of
personal data go to the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sil.core.audit import log_access
from sil.core.web import operator_required
from sil.people.access import person_breadcrumbs, person_or_404
from sil.people.models import Person
from sil.services.actions import (
    do_add_policy,
    do_add_policy_event,
    do_assess_gol,
    do_remove_policy,
    do_update_policy,
)
from sil.services.forms import GolAssessmentForm, PolicyEventForm, PolicyForm
from sil.services.models import Policy
from sil.services.queries import latest_profiling, services_of


def _person(request: HttpRequest, person_id: int) -> Person:
    return person_or_404(request, person_id)


def _policy(person: Person, pk: int) -> Policy:
    policy: Policy = get_object_or_404(Policy.objects.filter(person=person), pk=pk)
    return policy


def _list_url(person: Person) -> str:
    return reverse("services:policy_list", args=[person.pk])


@operator_required
def policy_list(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    context = services_of(person)
    log_access(request, person)
    return render(
        request,
        "services/policy_list.html",
        {
            "person": person,
            **context,
            "breadcrumbs": person_breadcrumbs(person, (_("Politiche attive"), None)),
        },
    )


@operator_required
def policy_create(request: HttpRequest, person_id: int) -> HttpResponse:
    return _policy_form(request, _person(request, person_id), None)


@operator_required
def policy_edit(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    person = _person(request, person_id)
    return _policy_form(request, person, _policy(person, pk))


def _policy_form(request: HttpRequest, person: Person, policy: Policy | None) -> HttpResponse:
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            if policy is None:
                do_add_policy(person, form.cleaned_data, by=request.user)
            else:
                do_update_policy(policy, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Politica salvata."))
            return redirect(_list_url(person))
    elif request.method == "GET" and policy is not None:
        log_access(request, policy)
    title = _("Nuova politica") if policy is None else _("Modifica politica")
    return render(
        request,
        "services/policy_form.html",
        {
            "person": person,
            "policy": policy,
            "form": form,
            "title": title,
            "breadcrumbs": person_breadcrumbs(
                person, (_("Politiche attive"), _list_url(person)), (title, None)
            ),
        },
    )


@operator_required
def policy_delete(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    person = _person(request, person_id)
    policy = _policy(person, pk)
    if request.method == "POST":
        do_remove_policy(policy, by=request.user)
        messages.success(request, _("Politica eliminata."))
        return redirect(_list_url(person))
    log_access(request, policy)
    return render(
        request,
        "services/policy_confirm_delete.html",
        {
            "person": person,
            "policy": policy,
            "breadcrumbs": person_breadcrumbs(
                person, (_("Politiche attive"), _list_url(person)), (_("Elimina"), None)
            ),
        },
    )


@operator_required
def policy_event_create(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    person = _person(request, person_id)
    policy = _policy(person, pk)
    form = PolicyEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_add_policy_event(policy, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Evento registrato."))
            return redirect(_list_url(person))
    elif request.method == "GET":
        log_access(request, policy)
    return render(
        request,
        "services/policy_event_form.html",
        {
            "person": person,
            "policy": policy,
            "form": form,
            "breadcrumbs": person_breadcrumbs(
                person, (_("Politiche attive"), _list_url(person)), (_("Nuovo evento"), None)
            ),
        },
    )


@operator_required
def gol_assessment_create(request: HttpRequest, person_id: int) -> HttpResponse:
    """The operator's GOL pathway decision, next to the profiling received (never computed)."""
    person = _person(request, person_id)
    profiling = latest_profiling(person)
    form = GolAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_assess_gol(person, {**form.cleaned_data, "profiling": profiling}, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Percorso GOL registrato."))
            return redirect(_list_url(person))
    elif request.method == "GET" and profiling is not None:
        log_access(request, profiling)
    return render(
        request,
        "services/gol_assessment_form.html",
        {
            "person": person,
            "profiling": profiling,
            "form": form,
            "breadcrumbs": person_breadcrumbs(
                person, (_("Politiche attive"), _list_url(person)), (_("Percorso GOL"), None)
            ),
        },
    )
