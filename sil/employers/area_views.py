"""The employer area (/imprese/): the firm's home, profile, sites and users.

Every view acts on `request.employer`, the firm the signed-in employer user acts for (set by
employer_required): there is no firm id in the URLs, so nobody can reach another firm's data.
Changes are for the firm's administrators; recruiters read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.core.params import parse_id
from sil.employers.access import employer_admin_required, employer_required
from sil.employers.actions import (
    PROFILE_FIELDS,
    SITE_FIELDS,
    do_add_site,
    do_invite_employer_user,
    do_remove_employer_user,
    do_set_directory_consent,
    do_update_employer,
    do_update_site,
)
from sil.employers.forms import EmployerProfileForm, EmployerUserForm, SiteForm
from sil.employers.models import Employer, EmployerMembership
from sil.employers.queries import (
    SESSION_EMPLOYER,
    employer_ids_for_user,
    forget,
    is_employer_admin,
    user_membership,
    user_memberships,
)
from sil.employers.timeline import prefetch, timeline


def _employer(request: HttpRequest) -> Employer:
    employer: Employer = request.employer  # type: ignore[attr-defined]
    return employer


def _resolve(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("La mia impresa"), reverse("employer_area:home")), *items]


@employer_required
def home(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    counts = employer.vacancies.aggregate(
        published=Count("id", filter=Q(state="published")),
        draft=Count("id", filter=Q(state__in=["draft", "review"])),
    )
    others = [m.employer for m in user_memberships(request.user) if m.employer_id != employer.pk]
    return render(
        request,
        "employers/area/home.html",
        {
            "employer": employer,
            "membership": user_membership(request),
            "is_admin": is_employer_admin(request),
            "other_employers": others,
            "vacancy_counts": counts,
            "vacancies_url": _resolve("employer_vacancies:vacancy_list"),
            "shortlists_url": _resolve("employer_shortlists:home"),
            "timeline": timeline(prefetch(employer))[:20],
            "breadcrumbs": [(_("La mia impresa"), None)],
        },
    )


@require_POST
@employer_required
def switch_employer(request: HttpRequest) -> HttpResponse:
    """An employer user acting for several firms (a consultant) picks the one to act for."""
    wanted = parse_id(request.POST.get("employer", ""))
    if wanted is None or wanted not in employer_ids_for_user(request.user):
        raise Http404
    request.session[SESSION_EMPLOYER] = wanted
    forget(request.user)
    return redirect("employer_area:home")


@employer_required
def profile(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    admin = is_employer_admin(request)
    initial: dict[str, Any] = {name: getattr(employer, name) for name in PROFILE_FIELDS}
    initial["directory_consent"] = employer.directory_consent
    form = EmployerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not admin:
            raise PermissionDenied
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
            try:
                do_update_employer(employer, data, by=request.user, fields=PROFILE_FIELDS)
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                consent = form.cleaned_data["directory_consent"]
                if consent != employer.directory_consent:
                    do_set_directory_consent(employer, consent, by=request.user)
                messages.success(request, _("Dati dell'impresa aggiornati."))
                return redirect("employer_area:profile")
    return render(
        request,
        "employers/area/profile.html",
        {
            "employer": employer,
            "form": form,
            "is_admin": admin,
            "breadcrumbs": _crumbs((_("Profilo dell'impresa"), None)),
        },
    )


@employer_required
def site_list(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    return render(
        request,
        "employers/area/site_list.html",
        {
            "employer": employer,
            "sites": employer.sites.select_related("municipality").order_by("-is_active", "name"),
            "is_admin": is_employer_admin(request),
            "breadcrumbs": _crumbs((_("Sedi operative"), None)),
        },
    )


@employer_admin_required
def site_create(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    form = SiteForm(request.POST or None)
    del form.fields["is_active"]
    if request.method == "POST" and form.is_valid():
        try:
            do_add_site(employer, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Sede operativa aggiunta."))
            return redirect("employer_area:site_list")
    title = _("Nuova sede operativa")
    return render(
        request,
        "employers/site_form.html",
        {
            "form": form,
            "employer": employer,
            "title": title,
            "cancel_url": reverse("employer_area:site_list"),
            "breadcrumbs": _crumbs(
                (_("Sedi operative"), reverse("employer_area:site_list")), (title, None)
            ),
        },
    )


@employer_admin_required
def site_edit(request: HttpRequest, site_pk: int) -> HttpResponse:
    employer = _employer(request)
    site = get_object_or_404(employer.sites.select_related("municipality"), pk=site_pk)
    form = SiteForm(
        request.POST or None, initial={name: getattr(site, name) for name in SITE_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_update_site(site, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Sede operativa aggiornata."))
            return redirect("employer_area:site_list")
    title = _("Modifica sede operativa")
    return render(
        request,
        "employers/site_form.html",
        {
            "form": form,
            "employer": employer,
            "title": title,
            "cancel_url": reverse("employer_area:site_list"),
            "breadcrumbs": _crumbs(
                (_("Sedi operative"), reverse("employer_area:site_list")), (title, None)
            ),
        },
    )


@employer_required
def user_list(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    return render(
        request,
        "employers/area/user_list.html",
        {
            "employer": employer,
            "memberships": employer.memberships.select_related("user").order_by(
                "user__last_name", "user__first_name", "id"
            ),
            "is_admin": is_employer_admin(request),
            "breadcrumbs": _crumbs((_("Utenti dell'impresa"), None)),
        },
    )


@employer_admin_required
def user_add(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    form = EmployerUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_invite_employer_user(employer, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(
                request, _("Utente aggiunto: riceverà un'e-mail con le istruzioni per accedere.")
            )
            return redirect("employer_area:user_list")
    title = _("Nuovo utente dell'impresa")
    return render(
        request,
        "employers/user_form.html",
        {
            "form": form,
            "employer": employer,
            "title": title,
            "cancel_url": reverse("employer_area:user_list"),
            "breadcrumbs": _crumbs(
                (_("Utenti dell'impresa"), reverse("employer_area:user_list")), (title, None)
            ),
        },
    )


@require_POST
@employer_admin_required
def user_remove(request: HttpRequest, membership_pk: int) -> HttpResponse:
    employer = _employer(request)
    membership = get_object_or_404(EmployerMembership, pk=membership_pk, employer=employer)
    try:
        do_remove_employer_user(membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Utente rimosso dall'impresa."))
    if membership.user_id == request.user.pk:
        return redirect("account_logout")
    return redirect("employer_area:user_list")
