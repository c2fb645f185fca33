"""The employer area's vacancy pages: the firm's vacancies, drafts, submission for review.

Every page goes through sil.employers.access.employer_required (the firm is request.employer)
and reaches only that firm's vacancies; writes go through sil.vacancies.actions, whose state
machine keeps publishing and closing for operators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.employers.access import employer_required
from sil.vacancies import actions
from sil.vacancies.forms import (
    NoteForm,
    VacancyForm,
    add_action_errors,
    language_formset,
    languages_of,
)
from sil.vacancies.machine import EMPLOYER
from sil.vacancies.models import Vacancy, VacancyState
from sil.vacancies.queries import vacancy_for_employer_or_404
from sil.vacancies.views import detail_context, search_choices, url_if_exists

PAGE_SIZE = 25


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    home = url_if_exists("employer_area:home")
    head = [(_("Area imprese"), home)] if home else []
    return [*head, (_("Le nostre offerte"), reverse("employer_vacancies:vacancy_list")), *tail]


@employer_required
def vacancy_list(request: HttpRequest) -> HttpResponse:
    employer = request.employer  # type: ignore[attr-defined]
    vacancies = (
        Vacancy.objects.filter(employer=employer)
        .select_related("municipality", "profession")
        .order_by("-updated_at", "-id")
    )
    state = request.GET.get("stato", "")
    if state in VacancyState.values:
        vacancies = vacancies.filter(state=state)
    page = Paginator(vacancies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "vacancies/employer/vacancy_list.html",
        {
            "employer": employer,
            "page": page,
            "state": state,
            "states": VacancyState.choices,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": f"stato={state}" if state else "",
            "breadcrumbs": [*_crumbs()[:-1], (_("Le nostre offerte"), None)],
        },
    )


def _editor(
    request: HttpRequest, form: VacancyForm, formset: Any, vacancy: Vacancy | None, title: str
) -> HttpResponse:
    return render(
        request,
        "vacancies/vacancy_form.html",
        {
            "form": form,
            "formset": formset,
            "vacancy": vacancy,
            "title": title,
            "search_url": reverse("employer_vacancies:search_options", args=["__kind__"]),
            "cancel_url": reverse("employer_vacancies:vacancy_detail", args=[vacancy.pk])
            if vacancy
            else reverse("employer_vacancies:vacancy_list"),
            "breadcrumbs": _crumbs((title, None)),
        },
    )


def _save(
    request: HttpRequest, form: VacancyForm, formset: Any, vacancy: Vacancy | None
) -> Vacancy | None:
    if not (form.is_valid() and formset.is_valid()):
        return None
    try:
        with transaction.atomic():
            if vacancy is None:
                return actions.do_create_vacancy(
                    request.employer,  # type: ignore[attr-defined]
                    form.changes(),
                    languages=languages_of(formset),
                    by=request.user,
                )
            return actions.do_update_vacancy(
                vacancy, form.changes(), languages=languages_of(formset), by=request.user
            )
    except ValidationError as exc:
        add_action_errors(form, exc)
        return None


@employer_required
def vacancy_create(request: HttpRequest) -> HttpResponse:
    employer = request.employer  # type: ignore[attr-defined]
    form = VacancyForm(
        request.POST or None,
        employer=employer,
        operator=False,
        initial={"municipality": employer.municipality, "apply_email": employer.email},
    )
    formset = language_formset(None, request.POST or None)
    if request.method == "POST":
        vacancy = _save(request, form, formset, None)
        if vacancy is not None:
            messages.success(
                request,
                _(
                    "Bozza salvata. Quando è completa, inviarla al Centro per l'Impiego per la revisione."
                ),
            )
            return redirect("employer_vacancies:vacancy_detail", pk=vacancy.pk)
    return _editor(request, form, formset, None, _("Nuova offerta di lavoro"))


@employer_required
def vacancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = vacancy_for_employer_or_404(request, pk)
    if not actions.editable_fields(vacancy, request.user):
        messages.info(request, _("Si possono modificare solo le bozze."))
        return redirect("employer_vacancies:vacancy_detail", pk=vacancy.pk)
    form = VacancyForm(request.POST or None, instance=vacancy, operator=False)
    formset = language_formset(vacancy, request.POST or None)
    if request.method == "POST" and _save(request, form, formset, vacancy) is not None:
        messages.success(request, _("Bozza aggiornata."))
        return redirect("employer_vacancies:vacancy_detail", pk=vacancy.pk)
    return _editor(request, form, formset, vacancy, _("Modifica della bozza"))


@employer_required
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = vacancy_for_employer_or_404(request, pk)
    return render(
        request,
        "vacancies/employer/vacancy_detail.html",
        {
            **detail_context(vacancy, EMPLOYER),
            "can_edit": bool(actions.editable_fields(vacancy, request.user)),
            "note_form": NoteForm(),
            "shortlists_url": url_if_exists("employer_shortlists:home"),
            "public_url": reverse("jobs:vacancy_detail", args=[vacancy.pk])
            if vacancy.state == VacancyState.PUBLISHED
            else None,
            "breadcrumbs": _crumbs((vacancy.title, None)),
        },
    )


TRANSITIONS = {
    "submit": (actions.do_submit_for_review, _("Offerta inviata al Centro per l'Impiego.")),
    "withdraw": (
        actions.do_send_back,
        _("Offerta ritirata dalla revisione: è di nuovo una bozza."),
    ),
    "cancel": (actions.do_cancel, _("Offerta annullata.")),
}


@employer_required
@require_POST
def vacancy_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    vacancy = vacancy_for_employer_or_404(request, pk)
    run, done = TRANSITIONS[action]
    note_form = NoteForm(request.POST)
    note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
    try:
        run(vacancy, request.user, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    return redirect("employer_vacancies:vacancy_detail", pk=vacancy.pk)


@employer_required
def search_options(request: HttpRequest, kind: str) -> HttpResponse:
    """htmx: options for the editor's profession and municipality selects."""
    if kind not in {"profession", "municipality", "esco_occupation"}:
        raise Http404
    text = request.GET.get(f"{kind}_search", "") or request.GET.get("q", "")
    text = " ".join(text.split())[:100]
    options = search_choices(kind, text) if len(text) >= 2 else []
    return render(request, "vacancies/_options.html", {"options": options, "text": text})
