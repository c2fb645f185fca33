"""The employer area for candidates (/imprese/rose/): shortlists the firm received, the
applications to its vacancies, the archive of received CVs.

Every query is limited to the firm the signed-in user acts for (request.employer, set by
employer_required); a candidate's data reach the firm only once sent with consent or through
the candidate's own application. Reads are written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.applications.actions import do_change_state, do_mark_viewed
from sil.applications.machine import allowed_targets
from sil.applications.models import Actor, Application, ApplicationState
from sil.applications.queries import applications_for_employer
from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.dossier.cv import render_pdf
from sil.dossier.models import Cv
from sil.employers.access import employer_required
from sil.shortlists import actions
from sil.shortlists.forms import ArchiveSearchForm, FeedbackForm
from sil.shortlists.machine import ShortlistTransitionError
from sil.shortlists.models import ReceivedCv, Shortlist, ShortlistEntry

PAGE_SIZE = 25
HOME_LIMIT = 5

# The moves a firm makes on an application from its area, with their button labels.
EMPLOYER_MOVES = (
    ApplicationState.VIEWED,
    ApplicationState.IN_SELECTION,
    ApplicationState.INTERVIEW,
    ApplicationState.HIRED,
    ApplicationState.REJECTED,
)


def _employer(request: HttpRequest) -> Any:
    return request.employer  # type: ignore[attr-defined]


def _crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("La mia impresa"), reverse("employer_area:home")),
        (_("Candidature e rose"), reverse("employer_shortlists:home")),
        *last,
    ]


def _sent_entries() -> Any:
    """Only the candidates actually sent (hence with consent): never the others."""
    return ShortlistEntry.objects.filter(sent_at__isnull=False, consent_to_share=True)


def _shortlists(request: HttpRequest) -> Any:
    return Shortlist.objects.for_employer(_employer(request).pk)


@employer_required
def home(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    shortlists = list(
        _shortlists(request)
        .select_related("vacancy")
        .annotate(candidates=Count("entries", filter=Q(entries__sent_at__isnull=False)))
        .order_by("-sent_at", "-id")[:HOME_LIMIT]
    )
    applications = list(applications_for_employer(employer)[:HOME_LIMIT])
    log_access(request, [application.person for application in applications], "list")
    counts = ReceivedCv.objects.filter(employer=employer).aggregate(
        active=Count("id", filter=Q(archived_at__isnull=True)),
        archived=Count("id", filter=Q(archived_at__isnull=False)),
    )
    return render(
        request,
        "shortlists/employer/home.html",
        {
            "employer": employer,
            "shortlists": shortlists,
            "applications": applications,
            "cv_counts": counts,
            "breadcrumbs": _crumbs(),
        },
    )


@employer_required
def shortlist_list(request: HttpRequest) -> HttpResponse:
    shortlists = (
        _shortlists(request)
        .select_related("vacancy", "office")
        .annotate(candidates=Count("entries", filter=Q(entries__sent_at__isnull=False)))
        .order_by("-sent_at", "-id")
    )
    page = Paginator(shortlists, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "shortlists/employer/shortlist_list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": "",
            "breadcrumbs": _crumbs((_("Rose ricevute"), None)),
        },
    )


@employer_required
def shortlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = get_object_or_404(_shortlists(request).select_related("vacancy", "office"), pk=pk)
    entries = list(
        _sent_entries()
        .filter(shortlist=shortlist)
        .select_related("person", "application__cv")
        .prefetch_related(Prefetch("received_cvs", queryset=ReceivedCv.objects.all()))
        .order_by("position", "id")
    )
    log_access(request, [entry.person for entry in entries], "list", purpose="shortlist")
    rows = [
        {
            "entry": entry,
            "received": next(iter(entry.received_cvs.all()), None),
            "form": FeedbackForm(
                initial={"feedback": entry.feedback, "note": entry.feedback_note},
                prefix=f"e{entry.pk}",
            ),
        }
        for entry in entries
    ]
    return render(
        request,
        "shortlists/employer/shortlist_detail.html",
        {
            "shortlist": shortlist,
            "rows": rows,
            "feedback_open": shortlist.state == "sent",
            "breadcrumbs": _crumbs(
                (_("Rose ricevute"), reverse("employer_shortlists:shortlist_list")),
                (str(shortlist.vacancy.title), None),
            ),
        },
    )


@employer_required
@require_POST
def entry_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        _sent_entries().filter(shortlist__in=_shortlists(request)).select_related("person"),
        pk=pk,
    )
    form = FeedbackForm(request.POST, prefix=f"e{entry.pk}")
    url = reverse("employer_shortlists:shortlist_detail", args=[entry.shortlist_id])
    if not form.is_valid():
        messages.error(request, _("Scegliere un riscontro per il candidato."))
        return redirect(f"{url}#candidato-{entry.pk}")
    try:
        actions.do_record_feedback(
            entry, form.cleaned_data["feedback"], request.user, note=form.cleaned_data["note"]
        )
    except ShortlistTransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Riscontro su %(name)s registrato: grazie.") % {"name": entry.person.full_name},
        )
    return redirect(f"{url}#candidato-{entry.pk}")


@employer_required
def application_list(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    applications = applications_for_employer(employer)
    state = request.GET.get("stato", "")
    if state in ApplicationState.values:
        applications = applications.filter(state=state)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(request, [application.person for application in page.object_list], "list")
    rows = [
        {
            "application": application,
            "moves": [
                (target, ApplicationState(target).label)
                for target in allowed_targets(application.state, Actor.EMPLOYER)
                if target in EMPLOYER_MOVES
            ],
        }
        for application in page.object_list
    ]
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "shortlists/employer/application_list.html",
        {
            "page": page,
            "rows": rows,
            "states": ApplicationState.choices,
            "state": state,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            "breadcrumbs": _crumbs((_("Candidature ricevute"), None)),
        },
    )


def _application_or_404(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(applications_for_employer(_employer(request)), pk=pk)


@employer_required
@require_POST
def application_state(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    target = request.POST.get("state", "")
    if target not in EMPLOYER_MOVES:
        messages.error(request, _("Stato non valido."))
    else:
        try:
            do_change_state(application, target, request.user)
        except (ValidationError, PermissionDenied) as exc:
            text = exc.messages if isinstance(exc, ValidationError) else [_("Non consentito.")]
            for message in text:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Candidatura di %(name)s: %(state)s.")
                % {
                    "name": application.person.full_name,
                    "state": ApplicationState(target).label,
                },
            )
    return redirect(reverse("employer_shortlists:application_list") + f"#candidatura-{pk}")


@employer_required
def cv_archive(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    form = ArchiveSearchForm(request.GET or None)
    received = ReceivedCv.objects.filter(employer=employer).select_related(
        "person", "vacancy", "application__cv", "entry"
    )
    archived = False
    if form.is_valid():
        received = received.search(form.cleaned_data["q"])
        archived = form.cleaned_data["archived"]
    received = received.filter(archived_at__isnull=not archived).order_by("-received_at", "-id")
    page = Paginator(received, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(request, [row.person for row in page.object_list], "list", purpose="cv_archive")
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "shortlists/employer/cv_archive.html",
        {
            "form": form,
            "page": page,
            "archived": archived,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            "breadcrumbs": _crumbs((_("Archivio dei CV ricevuti"), None)),
        },
    )


def _received_or_404(request: HttpRequest, pk: int) -> ReceivedCv:
    return get_object_or_404(
        ReceivedCv.objects.filter(employer=_employer(request)).select_related(
            "person", "application__cv"
        ),
        pk=pk,
    )


@employer_required
@require_POST
def cv_archive_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    received = _received_or_404(request, pk)
    archive = request.POST.get("archive") == "1"
    actions.do_archive_received_cv(received, archive, request.user)
    if archive:
        messages.success(request, _("CV archiviato."))
    else:
        messages.success(request, _("CV riportato tra i CV attivi."))
    return redirect(
        reverse("employer_shortlists:cv_archive") + ("?archived=on" if not archive else "")
    )


def cv_for(received: ReceivedCv) -> Cv | None:
    """The CV the firm received: the one chosen for the application, else the candidate's
    default CV (a shortlisted candidate agreed to share it)."""
    if received.application_id and received.application and received.application.cv_id:
        return received.application.cv
    return Cv.objects.filter(person_id=received.person_id).order_by("-is_default", "id").first()


@employer_required
def cv_download(request: HttpRequest, pk: int) -> HttpResponse:
    received = _received_or_404(request, pk)
    cv = cv_for(received)
    if cv is None:
        messages.error(request, _("Il candidato non ha un CV da scaricare."))
        return redirect("employer_shortlists:cv_archive")
    if received.application is not None:
        do_mark_viewed(received.application, request.user)
    log_access(request, received.person, AccessAction.EXPORT, purpose="cv_archive")
    response = HttpResponse(render_pdf(cv), content_type="application/pdf")
    name = slugify(f"cv {received.person.last_name} {received.person.first_name}") or "cv"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
