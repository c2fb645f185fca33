"""Operators' pages on employers: list and search, detail, registration, edit, sites, users.

Every operator reads every firm (firms are not personal data); changes are for the operators
of the firm's CPI and region-wide roles (sil.employers.queries.can_edit_employer). Reads of a
sole trader (whose codice fiscale is a person's) are written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Upper
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.core.audit import log_access
from sil.core.web import operator_required
from sil.employers import codes
from sil.employers.actions import (
    EDITABLE_FIELDS,
    SITE_FIELDS,
    do_add_site,
    do_deactivate_employer,
    do_invite_employer_user,
    do_reactivate_employer,
    do_register_employer,
    do_remove_employer_user,
    do_set_directory_consent,
    do_update_employer,
    do_update_site,
)
from sil.employers.forms import (
    DirectoryConsentForm,
    EmployerForm,
    EmployerSearchForm,
    EmployerUserForm,
    SiteForm,
)
from sil.employers.models import Employer, EmployerMembership, EmployerSite
from sil.employers.queries import can_edit_employer, employers_for_operator
from sil.employers.timeline import own_prefetches, timeline

PAGE_SIZE = 25


def log_sole_traders(request: HttpRequest, employers: Iterable[Employer], action: str) -> None:
    """A sole trader's codice fiscale is personal data: its reads go to the access log."""
    personal = [employer for employer in employers if employer.is_sole_trader]
    if personal:
        log_access(request, personal, action)


def search(employers: QuerySet[Employer], query: str) -> QuerySet[Employer]:
    """By codice fiscale / partita IVA (whole or start) or by words of the name."""
    text = " ".join(query.split())
    if not text:
        return employers
    code = codes.normalise(text)
    if code.isdigit() and len(code) >= 5:
        return employers.filter(Q(fiscal_code__startswith=code) | Q(vat_number__startswith=code))
    if len(code) == 16 and code.isalnum():
        return employers.filter(fiscal_code=code)
    # UPPER(name) LIKE '%WORD%' is served by the trigram index employer_name_trgm.
    employers = employers.annotate(name_upper=Upper("name"))
    for word in text.upper().split():
        employers = employers.filter(name_upper__contains=word)
    return employers


def _list_url() -> str:
    return reverse("employers:employer_list")


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Scrivania"), reverse("core:home")), (_("Imprese"), _list_url()), *items]


def _employer_crumbs(employer: Employer, title: str) -> list[tuple[str, str | None]]:
    return _crumbs(
        (employer.name, reverse("employers:employer_detail", args=[employer.pk])), (title, None)
    )


def _editable_or_403(request: HttpRequest, pk: int) -> Employer:
    employer = get_object_or_404(employers_for_operator(request.user), pk=pk)
    if not can_edit_employer(request.user, employer):
        raise PermissionDenied
    return employer


@operator_required
def employer_list(request: HttpRequest) -> HttpResponse:
    form = EmployerSearchForm(request.GET or None)
    employers = employers_for_operator(request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        employers = search(employers, data["q"])
        if data["municipality"]:
            employers = employers.filter(municipality__name__icontains=data["municipality"])
        ateco = data["ateco"].strip().upper()
        if len(ateco) == 1 and ateco.isalpha():
            employers = employers.filter(ateco_section=ateco)
        elif ateco:
            employers = employers.filter(economic_activity__code__startswith=ateco)
        if not data["inactive"]:
            employers = employers.filter(is_active=True)
    else:
        employers = employers.filter(is_active=True)
    employers = employers.select_related("municipality", "economic_activity", "office").order_by(
        "name", "id"
    )
    page = Paginator(employers, PAGE_SIZE).get_page(request.GET.get("page"))
    log_sole_traders(request, page.object_list, "list")
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "employers/employer_list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            "breadcrumbs": [(_("Scrivania"), reverse("core:home")), (_("Imprese"), None)],
        },
    )


def _vacancies_url(employer: Employer) -> str:
    try:
        return f"{reverse('vacancies:vacancy_list')}?employer={employer.pk}"
    except NoReverseMatch:
        return ""


@operator_required
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employers = (
        employers_for_operator(request.user)
        .select_related("municipality", "economic_activity", "office")
        .prefetch_related(*own_prefetches())
    )
    employer = get_object_or_404(employers, pk=pk)
    log_sole_traders(request, [employer], "view")
    counts = employer.vacancies.aggregate(
        total=Count("id"), published=Count("id", filter=Q(state="published"))
    )
    return render(
        request,
        "employers/employer_detail.html",
        {
            "employer": employer,
            "sites": employer.sites.all(),
            "memberships": employer.memberships.all(),
            "consents": employer.directory_consents.all(),
            "vacancy_counts": counts,
            "vacancies_url": _vacancies_url(employer),
            "timeline": timeline(employer),
            "can_edit": can_edit_employer(request.user, employer),
            "breadcrumbs": _crumbs((employer.name, None)),
        },
    )


def _report_errors(form: Any, exc: ValidationError) -> None:
    form.add_action_errors(exc)


@operator_required
def employer_create(request: HttpRequest) -> HttpResponse:
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        existing = Employer.objects.filter(fiscal_code=form.cleaned_data["fiscal_code"]).first()
        if existing is not None:
            form.add_action_errors(
                ValidationError(
                    {"fiscal_code": [_("Un'impresa con questo codice fiscale è già registrata.")]}
                )
            )
        else:
            try:
                employer = do_register_employer(form.cleaned_data, by=request.user)
            except ValidationError as exc:
                _report_errors(form, exc)
            else:
                messages.success(request, _("Impresa registrata."))
                return redirect("employers:employer_detail", pk=employer.pk)
    title = _("Nuova impresa")
    return render(
        request,
        "employers/employer_form.html",
        {"form": form, "title": title, "breadcrumbs": _crumbs((title, None))},
    )


def _initial(employer: Employer) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(employer, name) for name in EDITABLE_FIELDS}
    initial["fiscal_code"] = employer.fiscal_code
    initial["vat_number"] = employer.vat_number
    activity = employer.economic_activity
    if activity is not None:
        initial["ateco_code"] = activity.code
        initial["ateco_edition"] = activity.edition
    return initial


@operator_required
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _editable_or_403(request, pk)
    form = EmployerForm(request.POST or None, initial=_initial(employer), editing=True)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in (*EDITABLE_FIELDS, "vat_number")}
        try:
            do_update_employer(
                employer, data, by=request.user, fields=(*EDITABLE_FIELDS, "vat_number")
            )
        except ValidationError as exc:
            _report_errors(form, exc)
        else:
            messages.success(request, _("Dati dell'impresa aggiornati."))
            return redirect("employers:employer_detail", pk=employer.pk)
    elif request.method == "GET":
        log_sole_traders(request, [employer], "view")
    title = _("Modifica dati dell'impresa")
    return render(
        request,
        "employers/employer_form.html",
        {
            "form": form,
            "employer": employer,
            "title": title,
            "breadcrumbs": _employer_crumbs(employer, title),
        },
    )


@operator_required
def employer_consent(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _editable_or_403(request, pk)
    form = DirectoryConsentForm(
        request.POST or None, initial={"given": "1" if employer.directory_consent else "0"}
    )
    if request.method == "POST" and form.is_valid():
        do_set_directory_consent(employer, form.cleaned_data["given"], by=request.user)
        messages.success(request, _("Consenso registrato."))
        return redirect("employers:employer_detail", pk=employer.pk)
    title = _("Consenso all'elenco delle imprese")
    return render(
        request,
        "employers/consent_form.html",
        {
            "form": form,
            "employer": employer,
            "title": title,
            "breadcrumbs": _employer_crumbs(employer, title),
        },
    )


@require_POST
@operator_required
def employer_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _editable_or_403(request, pk)
    if request.POST.get("active") == "1":
        do_reactivate_employer(employer, by=request.user)
        messages.success(request, _("Impresa riattivata."))
    else:
        do_deactivate_employer(employer, by=request.user)
        messages.success(
            request, _("Impresa segnata come cessata: i suoi utenti non accedono più.")
        )
    return redirect("employers:employer_detail", pk=employer.pk)


def _site_initial(site: EmployerSite) -> dict[str, Any]:
    return {name: getattr(site, name) for name in SITE_FIELDS}


def _site_form(
    request: HttpRequest,
    employer: Employer,
    form: SiteForm,
    save: Callable[[dict[str, Any]], object],
    done: str,
    title: str,
) -> HttpResponse:
    """The operating-site form: one page for adding and editing."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            _report_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("employers:employer_detail", pk=employer.pk)
    return render(
        request,
        "employers/site_form.html",
        {
            "form": form,
            "employer": employer,
            "title": title,
            "cancel_url": reverse("employers:employer_detail", args=[employer.pk]),
            "breadcrumbs": _employer_crumbs(employer, title),
        },
    )


@operator_required
def site_create(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _editable_or_403(request, pk)
    form = SiteForm(request.POST or None, initial={"is_active": True})
    del form.fields["is_active"]
    return _site_form(
        request,
        employer,
        form,
        lambda data: do_add_site(employer, data, by=request.user),
        _("Sede operativa aggiunta."),
        _("Nuova sede operativa"),
    )


@operator_required
def site_edit(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    employer = _editable_or_403(request, pk)
    site = get_object_or_404(employer.sites.select_related("municipality"), pk=site_pk)
    form = SiteForm(request.POST or None, initial=_site_initial(site))
    return _site_form(
        request,
        employer,
        form,
        lambda data: do_update_site(site, data, by=request.user),
        _("Sede operativa aggiornata."),
        _("Modifica sede operativa"),
    )


@operator_required
def user_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _editable_or_403(request, pk)
    form = EmployerUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_invite_employer_user(employer, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            _report_errors(form, exc)
        else:
            messages.success(
                request, _("Utente aggiunto: riceverà un'e-mail per scegliere la password.")
            )
            return redirect("employers:employer_detail", pk=employer.pk)
    title = _("Nuovo utente dell'impresa")
    return render(
        request,
        "employers/user_form.html",
        {
            "form": form,
            "employer": employer,
            "title": title,
            "cancel_url": reverse("employers:employer_detail", args=[employer.pk]),
            "breadcrumbs": _employer_crumbs(employer, title),
        },
    )


@require_POST
@operator_required
def user_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    employer = _editable_or_403(request, pk)
    membership = get_object_or_404(EmployerMembership, pk=membership_pk, employer=employer)
    try:
        do_remove_employer_user(membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Utente rimosso dall'impresa."))
    return redirect("employers:employer_detail", pk=employer.pk)
