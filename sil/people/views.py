"""Operators' pages on the registry: list and search, detail, registration, edit.

Every query of people goes through Person.objects.for_operator(request.user); every read of
personal data is written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sil.accounts.models import Role
from sil.accounts.queries import has_role
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.permissions import visible_office_ids
from sil.core.web import operator_required
from sil.people.actions import (
    EDITABLE_FIELDS,
    PersonResult,
    do_change_fiscal_code,
    do_record_consent,
    do_register_person,
    do_update_person,
)
from sil.people.forms import ConsentForm, FiscalCodeChangeForm, PersonForm, PersonSearchForm
from sil.people.models import FiscalCodeChange, Person, PrivacyConsent
from sil.people.panels import panels_for
from sil.people.timeline import timeline
from sil.territory.models import Office, OfficeKind

PAGE_SIZE = 25

View = Callable[..., HttpResponse]


def _offices_for_filter(user: Any) -> QuerySet[Office]:
    ids = visible_office_ids(user)
    offices = Office.objects.order_by("name", "id")
    if ids is None:
        return offices.filter(kind=OfficeKind.CPI, is_active=True)
    return offices.filter(id__in=sorted(ids))


def _list_url() -> str:
    return reverse("people:person_list")


@operator_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, offices=_offices_for_filter(request.user))
    people = Person.objects.for_operator(request.user)
    query = ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        if form.cleaned_data["office"] is not None:
            people = people.filter(competent_office=form.cleaned_data["office"])
        people = people.search(query)
    if not query:
        people = people.order_by("last_name", "first_name", "id")
    people = people.select_related("competent_office", "residence_municipality")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(request, page.object_list, action="list")
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            "breadcrumbs": [(_("Scrivania"), reverse("core:home")), (_("Persone"), None)],
        },
    )


def _can_merge(user: Any) -> bool:
    """Region, administrator and CPI manager roles may merge duplicate people."""
    return bool(
        getattr(user, "is_superuser", False)
        or has_role(user, Role.REGION, Role.ADMIN, Role.CPI_MANAGER)
    )


def _person_or_404(request: HttpRequest, people: QuerySet[Person], pk: int) -> Person:
    """The person if the operator may see it; otherwise 404, and the attempt is logged."""
    person = people.filter(pk=pk).first()
    if person is None:
        outside = Person.objects.filter(pk=pk).first()
        if outside is not None:
            log_access(request, outside, AccessAction.DENIED)
        raise Http404
    return person


def _rendered_panels(request: HttpRequest, person: Person) -> list[dict[str, Any]]:
    return [
        {
            "panel": item["panel"],
            "html": render_to_string(item["panel"].template, item["context"], request=request),
        }
        for item in panels_for(request, person)
    ]


@operator_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    people = (
        Person.objects.for_operator(request.user)
        .with_places()
        .prefetch_related(
            Prefetch(
                "fiscal_code_changes",
                queryset=FiscalCodeChange.objects.select_related("by").order_by("-at", "-id"),
            ),
            Prefetch(
                "consents",
                queryset=PrivacyConsent.objects.select_related("by").order_by("-at", "-id"),
            ),
        )
    )
    person = _person_or_404(request, people, pk)
    log_access(request, person)
    consents = person.consents.all()
    current: dict[str, PrivacyConsent] = {}
    for consent in consents:  # newest first: the first of each kind is in force
        current.setdefault(consent.kind, consent)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "consents_in_force": list(current.values()),
            "fiscal_code_changes": person.fiscal_code_changes.all(),
            "panels": _rendered_panels(request, person),
            "timeline": timeline(person),
            "can_merge": _can_merge(request.user),
            "breadcrumbs": [
                (_("Scrivania"), reverse("core:home")),
                (_("Persone"), _list_url()),
                (person.full_name, None),
            ],
        },
    )


def _report(request: HttpRequest, result: PersonResult, done: str) -> None:
    messages.success(request, done)
    for warning in result.warnings:
        messages.warning(request, warning.message)


def _after_write(request: HttpRequest, person: Person) -> HttpResponse:
    if Person.objects.for_operator(request.user).filter(pk=person.pk).exists():
        return redirect("people:person_detail", pk=person.pk)
    messages.info(
        request,
        _("La persona è di competenza di un altro ufficio e non compare nel tuo elenco."),
    )
    return redirect("people:person_list")


@operator_required
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["fiscal_code"]
        existing = Person.objects.filter(fiscal_code=code).first()
        if existing is not None:
            visible = Person.objects.for_operator(request.user).filter(pk=existing.pk).exists()
            message = (
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Una persona con questo codice fiscale è già registrata."),
                    reverse("people:person_detail", args=[existing.pk]),
                    _("Apri la scheda"),
                )
                if visible
                else _(
                    "Una persona con questo codice fiscale è già registrata presso un altro "
                    "ufficio."
                )
            )
            form.add_action_errors(ValidationError({"fiscal_code": [message]}))
        else:
            try:
                result = do_register_person(form.cleaned_data, by=request.user)
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                _report(request, result, _("Persona registrata."))
                return _after_write(request, result.person)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": _("Nuova persona"),
            "breadcrumbs": [
                (_("Scrivania"), reverse("core:home")),
                (_("Persone"), _list_url()),
                (_("Nuova persona"), None),
            ],
        },
    )


@operator_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, Person.objects.for_operator(request.user).with_places(), pk)
    initial = {"fiscal_code": person.fiscal_code}
    initial.update({name: getattr(person, name) for name in EDITABLE_FIELDS})
    form = PersonForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.fields}
        try:
            result = do_update_person(person, data, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            _report(request, result, _("Dati della persona aggiornati."))
            return _after_write(request, result.person)
    elif request.method == "GET":
        log_access(request, person)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Modifica dati di %(name)s") % {"name": person.full_name},
            "breadcrumbs": [
                (_("Scrivania"), reverse("core:home")),
                (_("Persone"), _list_url()),
                (person.full_name, reverse("people:person_detail", args=[person.pk])),
                (_("Modifica"), None),
            ],
        },
    )


def _person_breadcrumbs(person: Person, title: str) -> list[tuple[str, str | None]]:
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Persone"), _list_url()),
        (person.full_name, reverse("people:person_detail", args=[person.pk])),
        (title, None),
    ]


@operator_required
def person_change_fiscal_code(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, Person.objects.for_operator(request.user), pk)
    form = FiscalCodeChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = do_change_fiscal_code(
                person,
                form.cleaned_data["fiscal_code"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            _report(request, result, _("Codice fiscale variato."))
            return _after_write(request, result.person)
    elif request.method == "GET":
        log_access(request, person)
    title = _("Variazione del codice fiscale")
    return render(
        request,
        "people/fiscal_code_change_form.html",
        {
            "form": form,
            "person": person,
            "title": title,
            "breadcrumbs": _person_breadcrumbs(person, title),
        },
    )


@operator_required
def person_record_consent(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, Person.objects.for_operator(request.user), pk)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_record_consent(
            person, form.cleaned_data["kind"], given=form.cleaned_data["given"], by=request.user
        )
        messages.success(request, _("Consenso registrato."))
        return redirect("people:person_detail", pk=person.pk)
    title = _("Registra un consenso")
    return render(
        request,
        "people/consent_form.html",
        {
            "form": form,
            "person": person,
            "title": title,
            "breadcrumbs": _person_breadcrumbs(person, title),
        },
    )
