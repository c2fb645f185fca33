"""The citizen's personal area: home, CVs, applying, their applications.

Every page goes through `citizen_required` and reads only rows of the signed-in citizen's person
(`citizen_person`): anything else is 404, so a citizen cannot even learn that an id exists.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.accounts.models import User, UserKind
from sil.applications.access import citizen_person, citizen_required
from sil.applications.actions import (
    do_apply,
    do_apply_spontaneous,
    do_get_or_create_citizen_user,
    do_withdraw,
    vacancy_accepts_applications,
)
from sil.applications.forms import ApplyForm, CvForm, DemoLoginForm, WithdrawForm
from sil.applications.machine import ApplicationTransitionError, allowed_targets
from sil.applications.models import Actor, Application, ApplicationState
from sil.applications.queries import applications_of_person, with_events
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.dossier import cv as cvs
from sil.dossier.models import Cv
from sil.dossier.queries import section_rows
from sil.employers.models import Employer
from sil.people.models import Person
from sil.vacancies.models import Vacancy

HOME_APPLICATIONS = 5
SUGGESTIONS = 5
DEMO_CITIZENS_SHOWN = 8


def public_vacancy_url(vacancy: Vacancy | None) -> str:
    """The public job-board page of a vacancy ("" while the board is not installed)."""
    if vacancy is None:
        return ""
    try:
        return reverse("jobs:vacancy_detail", args=[vacancy.pk])
    except NoReverseMatch:
        return ""


def _crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Area personale"), reverse("citizen:home")), *last]


# --- demo sign-in ------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("citizen:home")


def demo_login(request: HttpRequest) -> HttpResponse:
    """Demo mode only: sign in as any registered person by fiscal code (SPID/CIE stand-in)."""
    if not settings.DEMO:
        raise Http404
    form = DemoLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["fiscal_code"]
        person = Person.objects.filter(fiscal_code=code, merged_into__isnull=True).first()
        if person is None:
            form.add_error(
                "fiscal_code", _("Nessuna persona registrata con questo codice fiscale.")
            )
            form.decorate()
        else:
            try:
                user = do_get_or_create_citizen_user(person)
            except PermissionDenied:
                form.add_error(
                    "fiscal_code",
                    _("Questo codice fiscale appartiene a un'utenza che non è di un cittadino."),
                )
                form.decorate()
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(_safe_next(request))
    demo_citizens = list(
        Person.objects.filter(
            fiscal_code__in=User.objects.filter(kind=UserKind.CITIZEN, is_active=True)
            .order_by("id")
            .values("fiscal_code")[:DEMO_CITIZENS_SHOWN]
        ).order_by("last_name", "first_name")
    )
    return render(
        request,
        "applications/citizen/demo_login.html",
        {"form": form, "demo_citizens": demo_citizens, "next": _safe_next(request)},
    )


# --- home --------------------------------------------------------------------------------


def _suggestions(person: Person) -> list[dict[str, Any]]:
    """Best vacancies for the person, when the matching engine is installed."""
    try:
        from sil.matching.queries import rank_vacancies
    except ImportError:
        return []
    matches = rank_vacancies(person, limit=SUGGESTIONS)
    vacancies = Vacancy.objects.select_related("employer", "municipality").in_bulk(
        [match.vacancy_id for match in matches]
    )
    return [
        {
            "match": match,
            "vacancy": vacancies[match.vacancy_id],
            "url": public_vacancy_url(vacancies[match.vacancy_id]),
        }
        for match in matches
        if match.vacancy_id in vacancies
    ]


@citizen_required
def home(request: HttpRequest) -> HttpResponse:
    from sil.did.queries import current_did

    person = citizen_person(request)
    log_access(request, person)
    return render(
        request,
        "applications/citizen/home.html",
        {
            "person": person,
            "did": current_did(person),
            "cvs": list(Cv.objects.for_person(person).order_by("-is_default", "name", "id")),
            "applications": list(applications_of_person(person)[:HOME_APPLICATIONS]),
            "suggestions": _suggestions(person),
        },
    )


# --- CVs ---------------------------------------------------------------------------------


def _my_cv(request: HttpRequest, pk: int) -> Cv:
    person = citizen_person(request)
    cv = get_object_or_404(Cv.objects.for_person(person), pk=pk)
    cv.person = person  # already loaded: no second query
    return cv


@citizen_required
def cv_list(request: HttpRequest) -> HttpResponse:
    person = citizen_person(request)
    return render(
        request,
        "dossier/cv/cv_list.html",
        {
            "person": person,
            "cvs": list(Cv.objects.for_person(person).order_by("-is_default", "name", "id")),
            "breadcrumbs": _crumbs((_("I miei CV"), None)),
        },
    )


@citizen_required
def cv_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cv = _my_cv(request, pk)
    log_access(request, cv)
    return render(
        request,
        "dossier/cv/cv_detail.html",
        {
            "cv": cv,
            "content": cvs.cv_content(cv),
            "person": cv.person,
            "breadcrumbs": _crumbs((_("I miei CV"), reverse("citizen:cv_list")), (cv.name, None)),
        },
    )


def _cv_form(request: HttpRequest, cv: Cv | None) -> HttpResponse:
    person = citizen_person(request)
    dossier = section_rows(person)
    form = CvForm(request.POST or None, instance=cv, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name, "") for name in cvs.FREE_TEXT_FIELDS}
        try:
            if cv is None:
                saved = cvs.do_create_cv(
                    person,
                    data,
                    form.selection(),
                    make_default=form.cleaned_data.get("make_default", False),
                    by=request.user,
                )
            else:
                saved = cvs.do_update_cv(cv, data, form.selection(), by=request.user)
                if form.cleaned_data.get("make_default"):
                    cvs.do_set_default_cv(saved, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("CV salvato."))
            return redirect(_safe_next(request) if request.POST.get("next") else saved_url(saved))
    title = _("Nuovo CV") if cv is None else _("Modifica il CV «%(name)s»") % {"name": cv.name}
    return render(
        request,
        "dossier/cv/cv_form.html",
        {
            "form": form,
            "cv": cv,
            "title": title,
            "next": request.POST.get("next") or request.GET.get("next") or "",
            "empty_dossier": not any(dossier.values()),
            "breadcrumbs": _crumbs((_("I miei CV"), reverse("citizen:cv_list")), (title, None)),
        },
    )


def saved_url(cv: Cv) -> str:
    return reverse("citizen:cv_detail", args=[cv.pk])


@citizen_required
def cv_create(request: HttpRequest) -> HttpResponse:
    return _cv_form(request, None)


@citizen_required
def cv_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _cv_form(request, _my_cv(request, pk))


@citizen_required
def cv_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cv = _my_cv(request, pk)
    if request.method == "POST":
        cvs.do_delete_cv(cv, by=request.user)
        messages.success(request, _("CV eliminato."))
        return redirect("citizen:cv_list")
    return render(
        request,
        "dossier/cv/cv_confirm_delete.html",
        {
            "cv": cv,
            "breadcrumbs": _crumbs(
                (_("I miei CV"), reverse("citizen:cv_list")), (_("Elimina"), None)
            ),
        },
    )


@require_POST
@citizen_required
def cv_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    copy = cvs.do_duplicate_cv(_my_cv(request, pk), by=request.user)
    messages.success(request, _("Copia creata: modificala per il nuovo uso."))
    return redirect("citizen:cv_edit", pk=copy.pk)


@require_POST
@citizen_required
def cv_make_default(request: HttpRequest, pk: int) -> HttpResponse:
    cv = cvs.do_set_default_cv(_my_cv(request, pk), by=request.user)
    messages.success(request, _("«%(name)s» è ora il CV predefinito.") % {"name": cv.name})
    return redirect("citizen:cv_list")


def _filename(cv: Cv, extension: str) -> str:
    return f"cv-{cv.person.last_name.lower().replace(' ', '-')}-{cv.pk}.{extension}"


@citizen_required
def cv_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cv = _my_cv(request, pk)
    response = HttpResponse(cvs.render_pdf(cv), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(cv, "pdf")}"'
    log_access(request, cv, action=AccessAction.PRINT)
    return response


@citizen_required
def cv_json(request: HttpRequest, pk: int) -> HttpResponse:
    cv = _my_cv(request, pk)
    body = json.dumps(cvs.europass_json(cv), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(cv, "json")}"'
    log_access(request, cv, action=AccessAction.EXPORT)
    return response


# --- applying ----------------------------------------------------------------------------


def _apply_form(
    request: HttpRequest,
    *,
    vacancy: Vacancy | None,
    employer: Employer,
) -> HttpResponse:
    person = citizen_person(request)
    my_cvs = Cv.objects.for_person(person).order_by("-is_default", "name", "id")
    form = ApplyForm(request.POST or None, cvs=my_cvs)
    if request.method == "POST" and form.is_valid():
        try:
            if vacancy is not None:
                application = do_apply(
                    person,
                    vacancy,
                    cv=form.cleaned_data["cv"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            else:
                application = do_apply_spontaneous(
                    person,
                    employer,
                    cv=form.cleaned_data["cv"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
        except ValidationError as exc:
            form.add_action_errors(exc)
            form.fields["cv"].widget.attrs.pop("class", None)
        else:
            messages.success(request, _("Candidatura inviata."))
            return redirect("citizen:application_detail", pk=application.pk)
    return render(
        request,
        "applications/citizen/apply.html",
        {
            "form": form,
            "vacancy": vacancy,
            "employer": employer,
            "has_cvs": bool(form.fields["cv"].queryset),  # type: ignore[attr-defined]
            "vacancy_url": public_vacancy_url(vacancy),
            "breadcrumbs": _crumbs((_("Candidati"), None)),
        },
    )


@citizen_required
def apply(request: HttpRequest, vacancy_pk: int) -> HttpResponse:
    vacancy = get_object_or_404(
        Vacancy.objects.select_related("employer", "municipality"), pk=vacancy_pk
    )
    if not vacancy_accepts_applications(vacancy):
        raise Http404
    return _apply_form(request, vacancy=vacancy, employer=vacancy.employer)


@citizen_required
def apply_spontaneous(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = get_object_or_404(Employer.objects.filter(is_active=True), pk=employer_pk)
    return _apply_form(request, vacancy=None, employer=employer)


# --- my applications ---------------------------------------------------------------------


def _my_application(request: HttpRequest, pk: int) -> Application:
    person = citizen_person(request)
    application = get_object_or_404(with_events(applications_of_person(person)), pk=pk)
    return application


@citizen_required
def application_list(request: HttpRequest) -> HttpResponse:
    person = citizen_person(request)
    applications = list(applications_of_person(person))
    return render(
        request,
        "applications/citizen/application_list.html",
        {
            "applications": applications,
            "breadcrumbs": _crumbs((_("Le mie candidature"), None)),
        },
    )


def _explanation(application: Application) -> Any:
    """The match of the citizen with the vacancy, explained (hidden without the engine)."""
    if application.vacancy is None:
        return None
    try:
        from sil.matching.queries import explain
    except ImportError:
        return None
    return explain(application.vacancy, application.person)


@citizen_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _my_application(request, pk)
    log_access(request, application)
    return render(
        request,
        "applications/citizen/application_detail.html",
        {
            "application": application,
            "events": list(application.events.all()),
            "can_withdraw": ApplicationState.WITHDRAWN
            in allowed_targets(application.state, Actor.CITIZEN),
            "withdraw_form": WithdrawForm(),
            "explanation": _explanation(application),
            "vacancy_url": public_vacancy_url(application.vacancy),
            "breadcrumbs": _crumbs(
                (_("Le mie candidature"), reverse("citizen:application_list")),
                (application.target_name, None),
            ),
        },
    )


@require_POST
@citizen_required
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _my_application(request, pk)
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        do_withdraw(application, request.user, note=note)
    except ApplicationTransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Candidatura ritirata."))
    return redirect("citizen:application_detail", pk=application.pk)
