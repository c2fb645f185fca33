"""Operators' shortlist pages: list, detail, and the forms that move a shortlist along.

Shortlists are scoped by the operator's offices (the office that prepares them); reads of
candidates' data are written to the access log; every write goes through sil.shortlists.actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.core.audit import log_access
from sil.core.params import parse_id
from sil.core.web import operator_required
from sil.shortlists import actions
from sil.shortlists.forms import ContactForm, FeedbackForm, OutcomeForm, SendForm
from sil.shortlists.machine import ShortlistTransitionError
from sil.shortlists.models import Shortlist, ShortlistEntry, ShortlistQuerySet, ShortlistState
from sil.vacancies.models import Vacancy
from sil.vacancies.queries import vacancy_for_operator_or_404

PAGE_SIZE = 25


def _shortlists(request: HttpRequest) -> ShortlistQuerySet:
    return Shortlist.objects.for_operator(request.user)


def _shortlist_or_404(request: HttpRequest, pk: int) -> Shortlist:
    return get_object_or_404(
        _shortlists(request).select_related("vacancy__employer", "office"), pk=pk
    )


def _entry_or_404(request: HttpRequest, pk: int) -> ShortlistEntry:
    return get_object_or_404(
        ShortlistEntry.objects.filter(shortlist__in=_shortlists(request)).select_related(
            "shortlist__vacancy__employer", "person"
        ),
        pk=pk,
    )


def _list_crumbs(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Rose di candidati"), reverse("shortlists:shortlist_list")),
        *last,
    ]


def _detail_url(shortlist_id: int, anchor: str = "") -> str:
    url = reverse("shortlists:shortlist_detail", args=[shortlist_id])
    return f"{url}#{anchor}" if anchor else url


@operator_required
def shortlist_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("stato", "")
    shortlists = _shortlists(request).select_related("vacancy__employer", "office")
    if state in ShortlistState.values:
        shortlists = shortlists.filter(state=state)
    vacancy = request.GET.get("vacancy", "")
    vacancy_id = parse_id(vacancy)
    if vacancy_id is not None:
        shortlists = shortlists.filter(vacancy_id=vacancy_id)
    shortlists = shortlists.annotate(
        candidates=Count("entries"),
        consented=Count("entries", filter=Q(entries__consent_to_share=True)),
        hired=Count("entries", filter=Q(entries__outcome="hired")),
    ).order_by("-created_at", "-id")
    page = Paginator(shortlists, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "shortlists/shortlist_list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "querystring": querystring.urlencode(),
            "states": ShortlistState.choices,
            "state": state,
            "vacancy": vacancy if vacancy_id is not None else "",
            "breadcrumbs": _list_crumbs(),
        },
    )


@operator_required
def shortlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = _shortlist_or_404(request, pk)
    entries = list(shortlist.entries.select_related("person").order_by("position", "id"))
    log_access(request, [entry.person for entry in entries], action="list")
    consented = sum(1 for entry in entries if entry.consent_to_share)
    return render(
        request,
        "shortlists/shortlist_detail.html",
        {
            "shortlist": shortlist,
            "entries": entries,
            "consented": consented,
            "send_form": SendForm(initial={"note": shortlist.note}),
            "recipient_messages": list(
                shortlist.messages.select_related("outbox_message").order_by("recipient")
            ),
            "breadcrumbs": _list_crumbs((str(shortlist.vacancy.title), None)),
        },
    )


@operator_required
@require_POST
def add_candidates(request: HttpRequest, vacancy_pk: int) -> HttpResponse:
    """From the ranked candidates: the people ticked join the vacancy's open shortlist."""
    vacancy = vacancy_for_operator_or_404(request, vacancy_pk)
    person_ids = [parse_id(value) for value in request.POST.getlist("person_ids")]
    run = parse_id(request.POST.get("match_run", ""))
    try:
        shortlist = actions.do_add_candidates(
            vacancy,
            [v for v in person_ids if v is not None],
            request.user,
            match_run_id=run,
        )
    except ShortlistTransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(request.POST.get("back") or _vacancy_candidates_url(vacancy))
    messages.success(
        request,
        _("Candidati aggiunti alla rosa: %(count)d.") % {"count": len(set(person_ids))},
    )
    return redirect(_detail_url(shortlist.pk))


def _vacancy_candidates_url(vacancy: Vacancy) -> str:
    try:
        return reverse("matching:vacancy_candidates", args=[vacancy.pk])
    except NoReverseMatch:  # matching pages not installed
        return reverse("shortlists:shortlist_list")


def _entry_form_page(
    request: HttpRequest, entry: ShortlistEntry, form: forms.Form, title: str
) -> HttpResponse:
    shortlist = entry.shortlist
    return render(
        request,
        "shortlists/entry_form.html",
        {
            "entry": entry,
            "shortlist": shortlist,
            "form": form,
            "title": title,
            "cancel_url": _detail_url(shortlist.pk, f"candidato-{entry.pk}"),
            "breadcrumbs": _list_crumbs(
                (str(shortlist.vacancy.title), _detail_url(shortlist.pk)), (title, None)
            ),
        },
    )


@operator_required
def record_contact(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    initial = {
        "channel": entry.contact_channel,
        "consent": entry.consent_to_share,
        "note": entry.contact_note,
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_contact(
                entry,
                channel=data["channel"],
                consent=data["consent"],
                note=data["note"],
                user=request.user,
            )
        except ShortlistTransitionError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Contatto registrato."))
            return redirect(_detail_url(entry.shortlist_id, f"candidato-{entry.pk}"))
    elif request.method == "GET":
        log_access(request, entry.person)
    return _entry_form_page(request, entry, form, _("Contatto e consenso"))


@operator_required
def record_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = OutcomeForm(request.POST or None, initial={"outcome": entry.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_outcome(
                entry, form.cleaned_data["outcome"], request.user, note=form.cleaned_data["note"]
            )
        except ShortlistTransitionError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Esito registrato."))
            return redirect(_detail_url(entry.shortlist_id, f"candidato-{entry.pk}"))
    elif request.method == "GET":
        log_access(request, entry.person)
    return _entry_form_page(request, entry, form, _("Esito della selezione"))


@operator_required
def record_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The firm's answer reported to the operator (by phone, e-mail…)."""
    entry = _entry_or_404(request, pk)
    form = FeedbackForm(request.POST or None, initial={"feedback": entry.feedback})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_feedback(
                entry,
                form.cleaned_data["feedback"],
                request.user,
                note=form.cleaned_data["note"],
            )
        except ShortlistTransitionError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Riscontro dell'impresa registrato."))
            return redirect(_detail_url(entry.shortlist_id, f"candidato-{entry.pk}"))
    elif request.method == "GET":
        log_access(request, entry.person)
    return _entry_form_page(request, entry, form, _("Riscontro dell'impresa"))


@operator_required
@require_POST
def remove_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    try:
        actions.do_remove_entry(entry, request.user)
    except ShortlistTransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s tolto dalla rosa.") % {"name": entry.person.full_name}
        )
    return redirect(_detail_url(entry.shortlist_id))


@operator_required
@require_POST
def send_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = _shortlist_or_404(request, pk)
    form = SendForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else None
    try:
        actions.do_send_shortlist(shortlist, request.user, note=note)
    except ShortlistTransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Rosa inviata all'impresa."))
    return redirect(_detail_url(shortlist.pk))


@operator_required
@require_POST
def close_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = _shortlist_or_404(request, pk)
    try:
        actions.do_close_shortlist(shortlist, request.user)
    except ShortlistTransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Rosa chiusa."))
    return redirect(_detail_url(shortlist.pk))
