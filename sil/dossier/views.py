"""Operators' pages on the dossier: the whole dossier, add/edit/remove a row of a section,
availability, and the printable PDF.

The person is always fetched through Person.objects.for_operator(request.user): someone of
another office gets 404. Every read of personal data is written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core.audit import log_access
from sil.core.web import operator_required
from sil.dossier.actions import (
    do_add_entry,
    do_remove_entry,
    do_set_availability,
    do_update_entry,
)
from sil.dossier.forms import SECTION_FORMS, AvailabilityForm
from sil.dossier.models import PersonSection
from sil.dossier.queries import SECTIONS_BY_KEY, Section, availability_of, dossier_of
from sil.dossier.sap import sap_document
from sil.people.access import person_breadcrumbs, person_or_404
from sil.people.models import Person


def _person(request: HttpRequest, person_id: int) -> Person:
    return person_or_404(request, person_id, Person.objects.with_places())


def _section(key: str) -> Section:
    try:
        return SECTIONS_BY_KEY[key]
    except KeyError:
        raise Http404 from None


def _dossier_url(person: Person) -> str:
    return reverse("dossier:dossier_detail", args=[person.pk])


@operator_required
def dossier_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    context = dossier_of(person)
    log_access(request, person)
    return render(
        request,
        "dossier/dossier_detail.html",
        {
            "person": person,
            **context,
            "breadcrumbs": person_breadcrumbs(person, (_("Fascicolo"), None)),
        },
    )


def _initial(entry: PersonSection) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in SECTION_FORMS[type(entry)]._meta.fields}  # type: ignore[union-attr]


@operator_required
def entry_create(request: HttpRequest, person_id: int, section: str) -> HttpResponse:
    return _entry_form(request, _person(request, person_id), _section(section), None)


@operator_required
def entry_edit(request: HttpRequest, person_id: int, section: str, pk: int) -> HttpResponse:
    person = _person(request, person_id)
    current = _section(section)
    entry = get_object_or_404(current.model.objects.for_person(person), pk=pk)
    return _entry_form(request, person, current, entry)


def _entry_form(
    request: HttpRequest, person: Person, section: Section, entry: PersonSection | None
) -> HttpResponse:
    form_class = SECTION_FORMS[section.model]
    if entry is not None:
        form = form_class(request.POST or None, instance=entry)
    else:
        form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                do_add_entry(section.model, person, form.cleaned_data, by=request.user)
            else:
                do_update_entry(entry, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Fascicolo aggiornato."))
            return redirect(f"{_dossier_url(person)}#{section.key}")
    elif request.method == "GET" and entry is not None:
        log_access(request, entry)
    title = section.add_label if entry is None else _("Modifica: %(item)s") % {"item": entry}
    return render(
        request,
        "dossier/entry_form.html",
        {
            "person": person,
            "section": section,
            "form": form,
            "entry": entry,
            "title": title,
            "breadcrumbs": person_breadcrumbs(
                person, (_("Fascicolo"), _dossier_url(person)), (str(title), None)
            ),
        },
    )


@operator_required
def entry_delete(request: HttpRequest, person_id: int, section: str, pk: int) -> HttpResponse:
    person = _person(request, person_id)
    current = _section(section)
    entry = get_object_or_404(current.model.objects.for_person(person), pk=pk)
    if request.method == "POST":
        do_remove_entry(entry, by=request.user)
        messages.success(request, _("Voce eliminata dal fascicolo."))
        return redirect(f"{_dossier_url(person)}#{current.key}")
    log_access(request, entry)
    return render(
        request,
        "dossier/entry_confirm_delete.html",
        {
            "person": person,
            "section": current,
            "entry": entry,
            "breadcrumbs": person_breadcrumbs(
                person, (_("Fascicolo"), _dossier_url(person)), (_("Elimina"), None)
            ),
        },
    )


@operator_required
def availability_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    availability = availability_of(person)
    form = AvailabilityForm(request.POST or None, instance=availability)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contract_types = data.pop("contract_types")
        try:
            do_set_availability(person, data, contract_types=contract_types, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Disponibilità aggiornata."))
            return redirect(f"{_dossier_url(person)}#disponibilita")
    elif request.method == "GET" and availability is not None:
        log_access(request, availability)
    return render(
        request,
        "dossier/availability_form.html",
        {
            "person": person,
            "form": form,
            "breadcrumbs": person_breadcrumbs(
                person, (_("Fascicolo"), _dossier_url(person)), (_("Disponibilità"), None)
            ),
        },
    )


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the dossier print loads no external resource ({url})")


@operator_required
def dossier_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    """The whole dossier as a printable PDF (WeasyPrint, loaded only when asked for)."""
    import weasyprint  # heavy: imported lazily

    person = _person(request, person_id)
    document = sap_document(person)
    html = render_to_string(
        "dossier/dossier_print.html",
        {"person": person, "sap": document, "printed_at": timezone.localtime()},
        request=request,
    )
    # The print template carries its own styles and loads nothing from anywhere.
    pdf = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    log_access(request, person, action="print")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"fascicolo-{person.fiscal_code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
