"""Operators' vacancy pages: list with filters, editor, detail with the quality check and the
actions of the state machine, and the small search endpoint behind the editor's selects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.classifications.models import EscoOccupation, Profession
from sil.core.params import parse_id
from sil.core.web import operator_required
from sil.employers.models import Employer
from sil.territory.models import Municipality, Office, OfficeKind
from sil.vacancies import actions, quality
from sil.vacancies.forms import (
    NoteForm,
    PublishForm,
    VacancyFilterForm,
    VacancyForm,
    add_action_errors,
    language_formset,
    languages_of,
)
from sil.vacancies.machine import OPERATOR, allowed_targets
from sil.vacancies.models import Vacancy, VacancyState
from sil.vacancies.queries import can_manage, vacancies_for_operator, vacancy_for_operator_or_404

PAGE_SIZE = 25
SEARCH_LIMIT = 30


def url_if_exists(name: str, *args: Any) -> str | None:
    """The URL of another app's page, or None while that app does not provide it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _offices() -> QuerySet[Office]:
    # Every CPI: operators read the vacancies of the whole Region.
    return Office.objects.filter(kind=OfficeKind.CPI, is_active=True).order_by("name", "id")


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Offerte di lavoro"), reverse("vacancies:vacancy_list")),
        *tail,
    ]


@operator_required
def vacancy_list(request: HttpRequest) -> HttpResponse:
    form = VacancyFilterForm(request.GET or None, offices=_offices())
    vacancies = vacancies_for_operator(request.user)
    employer = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            words = data["q"]
            vacancies = vacancies.filter(
                Q(title__unaccent__icontains=words)
                | Q(employer__name__unaccent__icontains=words)
                | Q(reference__iexact=words)
            )
        if data["state"]:
            vacancies = vacancies.filter(state=data["state"])
        if data["office"] is not None:
            vacancies = vacancies.filter(office=data["office"])
        if data["profession"]:
            code = data["profession"].strip().rstrip(".")
            vacancies = vacancies.filter(
                Q(profession__code=code) | Q(profession__code__startswith=code + ".")
            )
        if data["employer"]:
            employer = Employer.objects.filter(pk=data["employer"]).first()
            vacancies = vacancies.filter(employer_id=data["employer"])
    vacancies = vacancies.select_related(
        "employer", "municipality", "office", "profession"
    ).order_by("-updated_at", "-id")
    page = Paginator(vacancies, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "form": form,
            "page": page,
            "employer": employer,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            "breadcrumbs": [(_("Scrivania"), reverse("core:home")), (_("Offerte di lavoro"), None)],
        },
    )


def _save_form(
    request: HttpRequest, form: VacancyForm, formset: Any, vacancy: Vacancy | None
) -> Vacancy | None:
    """Run the action behind the editor; None (with errors on the form) when refused."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    try:
        with transaction.atomic():
            if vacancy is None:
                employer = form.cleaned_data.get("employer") or form.initial.get("employer")
                if employer is None:
                    form.add_error("employer", _("Indicare l'impresa."))
                    return None
                return actions.do_create_vacancy(
                    employer,
                    form.changes(),
                    languages=languages_of(formset),
                    office=form.cleaned_data.get("office"),
                    by=request.user,
                )
            changes = form.changes()
            if "office" in form.cleaned_data and not form.fields["office"].disabled:
                changes["office"] = form.cleaned_data["office"] or vacancy.office
            editable = actions.editable_fields(vacancy, request.user)
            languages = languages_of(formset) if "description" in editable else None
            return actions.do_update_vacancy(vacancy, changes, languages=languages, by=request.user)
    except ValidationError as exc:
        add_action_errors(form, exc)
        return None


def _editor(
    request: HttpRequest, form: VacancyForm, formset: Any, vacancy: Vacancy | None, title: str
) -> HttpResponse:
    crumbs = (
        _crumbs(
            (vacancy.title, reverse("vacancies:vacancy_detail", args=[vacancy.pk])), (title, None)
        )
        if vacancy
        else _crumbs((title, None))
    )
    return render(
        request,
        "vacancies/vacancy_form.html",
        {
            "form": form,
            "formset": formset,
            "vacancy": vacancy,
            "title": title,
            "search_url": reverse("vacancies:search_options", args=["__kind__"]),
            "cancel_url": reverse("vacancies:vacancy_detail", args=[vacancy.pk])
            if vacancy
            else reverse("vacancies:vacancy_list"),
            "breadcrumbs": crumbs,
        },
    )


@operator_required
def vacancy_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    employer_id = parse_id(request.GET.get("employer", ""))
    if employer_id is not None:
        initial["employer"] = Employer.objects.filter(pk=employer_id).first()
        if initial["employer"] is not None:
            initial["municipality"] = initial["employer"].municipality
    form = VacancyForm(request.POST or None, initial=initial)
    formset = language_formset(None, request.POST or None)
    if request.method == "POST":
        vacancy = _save_form(request, form, formset, None)
        if vacancy is not None:
            messages.success(request, _("Offerta salvata in bozza."))
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    return _editor(request, form, formset, None, _("Nuova offerta di lavoro"))


@operator_required
def vacancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = vacancy_for_operator_or_404(request, pk)
    if not can_manage(request.user, vacancy):
        raise PermissionDenied
    editable = actions.editable_fields(vacancy, request.user)
    if not editable:
        messages.info(
            request,
            _("Un'offerta %(state)s non si modifica.") % {"state": vacancy.get_state_display()},
        )
        return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    form = VacancyForm(request.POST or None, instance=vacancy)
    form.restrict_to(editable)
    formset = language_formset(vacancy, request.POST or None)
    if request.method == "POST":
        saved = _save_form(request, form, formset, vacancy)
        if saved is not None:
            messages.success(request, _("Offerta aggiornata."))
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    return _editor(request, form, formset, vacancy, _("Modifica dell'offerta"))


def detail_context(vacancy: Vacancy, actor: str) -> dict[str, Any]:
    """What the detail pages (operator and employer) show of a vacancy."""
    live = vacancy.state in (VacancyState.DRAFT, VacancyState.REVIEW)
    warnings = (
        actions.run_quality_check(vacancy) if live else quality.from_dicts(vacancy.quality_warnings)
    )
    return {
        "vacancy": vacancy,
        "languages": list(vacancy.languages.select_related("level")),
        "transitions": list(vacancy.transitions.order_by("at", "id")),
        "targets": allowed_targets(vacancy.state, actor),
        "warnings": warnings,
        "summary": quality.Summary.of(warnings),
        "needs_confirmation": quality.needs_confirmation(warnings),
        "needs_reason": quality.needs_reason(warnings),
    }


@operator_required
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = vacancy_for_operator_or_404(request, pk)
    return _detail(request, vacancy, PublishForm(), NoteForm())


def _detail(
    request: HttpRequest, vacancy: Vacancy, publish_form: PublishForm, note_form: NoteForm
) -> HttpResponse:
    manage = can_manage(request.user, vacancy)
    context = detail_context(vacancy, OPERATOR)
    if not manage:
        context["targets"] = []
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {
            **context,
            "can_manage": manage,
            "can_edit": manage and bool(actions.editable_fields(vacancy, request.user)),
            "publish_form": publish_form,
            "note_form": note_form,
            "candidates_url": url_if_exists("matching:vacancy_candidates", vacancy.pk),
            "shortlists_url": url_if_exists("shortlists:shortlist_list"),
            "public_url": reverse("jobs:vacancy_detail", args=[vacancy.pk])
            if vacancy.state == VacancyState.PUBLISHED
            else None,
            "breadcrumbs": _crumbs((vacancy.title, None)),
        },
    )


TRANSITION_ACTIONS = {
    "submit": (
        VacancyState.REVIEW,
        actions.do_submit_for_review,
        _("Offerta inviata in revisione."),
    ),
    "send-back": (VacancyState.DRAFT, actions.do_send_back, _("Offerta rimandata in bozza.")),
    "close": (VacancyState.CLOSED, actions.do_close, _("Offerta chiusa.")),
    "cancel": (VacancyState.CANCELLED, actions.do_cancel, _("Offerta annullata.")),
}


@operator_required
@require_POST
def vacancy_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    vacancy = vacancy_for_operator_or_404(request, pk)
    if not can_manage(request.user, vacancy):
        raise PermissionDenied
    if action == "publish":
        publish_form = PublishForm(request.POST)
        if not publish_form.is_valid():
            return _detail(request, vacancy, publish_form, NoteForm())
        try:
            actions.do_publish(
                vacancy,
                request.user,
                confirm=publish_form.cleaned_data.get("confirm", False),
                reason=publish_form.cleaned_data.get("reason", ""),
            )
        except actions.QualityCheckRequired as exc:
            field = "reason" if exc.code == "reason_required" else "confirm"
            publish_form.add_error(field, exc.messages[0])
            return _detail(request, vacancy, publish_form, NoteForm())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Offerta pubblicata."))
        return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    if action not in TRANSITION_ACTIONS:
        raise Http404
    _target, run, done = TRANSITION_ACTIONS[action]
    note_form = NoteForm(request.POST)
    if not note_form.is_valid():  # a note it cannot keep: say so rather than drop it
        return _detail(request, vacancy, PublishForm(), note_form)
    try:
        run(vacancy, request.user, note=note_form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    return redirect("vacancies:vacancy_detail", pk=vacancy.pk)


def search_choices(kind: str, text: str) -> list[tuple[Any, str]]:
    words = text.split()
    if kind == "profession":
        rows: QuerySet[Any] = Profession.objects.filter(level=5)
        for word in words:
            rows = rows.filter(Q(name__unaccent__icontains=word) | Q(code__startswith=word))
        return [(p.pk, str(p)) for p in rows.order_by("system", "code")[:SEARCH_LIMIT]]
    if kind == "municipality":
        rows = Municipality.objects.current()
        for word in words:
            rows = rows.filter(name__unaccent__icontains=word)
        return [(m.pk, str(m)) for m in rows.order_by("name", "id")[:SEARCH_LIMIT]]
    if kind == "employer":
        rows = Employer.objects.filter(is_active=True)
        for word in words:
            rows = rows.filter(Q(name__unaccent__icontains=word) | Q(fiscal_code=word.upper()))
        return [
            (e.pk, f"{e.name} ({e.fiscal_code})")
            for e in rows.order_by("name", "id")[:SEARCH_LIMIT]
        ]
    if kind == "esco_occupation":
        rows = EscoOccupation.objects.all()
        for word in words:
            rows = rows.filter(name__unaccent__icontains=word)
        return [(o.pk, str(o)) for o in rows.order_by("name", "pk")[:SEARCH_LIMIT]]
    raise Http404


@operator_required
def search_options(request: HttpRequest, kind: str) -> HttpResponse:
    """htmx: the <option>s of a select of the editor for what the operator typed."""
    for name in (
        "q",
        "profession_search",
        "municipality_search",
        "employer_search",
        "esco_occupation_search",
    ):
        text = request.GET.get(name, "")
        if text:
            break
    text = " ".join(text.split())[:100]
    options = search_choices(kind, text) if len(text) >= 2 else []
    return render(request, "vacancies/_options.html", {"options": options, "text": text})
