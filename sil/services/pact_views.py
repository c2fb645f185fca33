"""Operators' pages of the Patto di servizio: draft from the interview, freeze, sign (OTP or
paper), download.

People are reached through Person.objects.for_operator and pacts through
ServicePact.objects.for_operator (both scoped to the operator's offices); reads of personal
data and every download go to the access log. Pages accept ?topic=campaign:<id> (and
?convocation=<id>, only carried along) so a campaign can send the operator here without
services knowing campaigns.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.web import operator_required
from sil.people.access import person_breadcrumbs, person_or_404
from sil.services import pacts
from sil.services.models import PactState, ServicePact
from sil.services.pact_forms import OtpConfirmForm, OtpSendForm, PactForm, ScanForm
from sil.territory.models import Office

TOPIC = re.compile(r"^[a-z_]{1,30}:[0-9]{1,20}$")


def _topic(request: HttpRequest) -> str:
    value = (request.POST.get("topic") or request.GET.get("topic") or "").strip()
    return value if TOPIC.match(value) else ""


def _pact(request: HttpRequest, pk: int) -> ServicePact:
    """The pact if the operator's offices cover its person; refused attempts are logged."""
    rows = ServicePact.objects.defer("document").select_related(
        "person", "office", "operator", "gol_path"
    )
    pact: ServicePact | None = rows.for_operator(request.user).filter(pk=pk).first()
    if pact is None:
        outside = ServicePact.objects.defer("document").filter(pk=pk).first()
        if outside is not None:
            log_access(request, outside, AccessAction.DENIED)
        raise Http404
    return pact


def _detail_url(pact: ServicePact) -> str:
    return reverse("services:pact_detail", args=[pact.pk])


def _crumbs(pact: ServicePact, *last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    title = _("Patto di servizio n. %(number)s") % {"number": pact.pk}
    if not last:
        return person_breadcrumbs(pact.person, (title, None))
    return person_breadcrumbs(pact.person, (title, _detail_url(pact)), *last)


def _office_for(request: HttpRequest, person_office: Office | None) -> Office | None:
    if person_office is not None:
        return person_office
    office_id = getattr(request.user, "current_office_id", None)
    return Office.objects.filter(pk=office_id).first() if office_id else None


@operator_required
def pact_create(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_or_404(request, person_id)
    existing = pacts.open_pact(person)
    topic = _topic(request)
    if existing is not None:
        if topic and not existing.topic:
            pacts.do_set_pact_topic(existing, topic, by=request.user)
        messages.info(request, _("La persona ha già un Patto in preparazione: eccolo."))
        return redirect(_detail_url(existing))
    background = pacts.pact_background(person)
    form = PactForm(
        request.POST or None,
        initial={**pacts.suggested_contents(person, background), "topic": topic},
    )
    if request.method == "POST" and form.is_valid():
        office = _office_for(request, person.competent_office)
        if office is None:
            form.add_error(None, _("La persona non ha un CPI competente: assegnalo prima."))
        else:
            try:
                pact = pacts.do_create_pact(
                    person,
                    office=office,
                    operator=request.user,
                    data=form.contents(),
                    topic=topic,
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("Bozza del Patto salvata."))
                return redirect(_detail_url(pact))
    elif request.method == "GET":
        log_access(request, person, purpose="patto di servizio")
    title = _("Nuovo Patto di servizio")
    return render(
        request,
        "services/pact_form.html",
        {
            "person": person,
            "form": form,
            "background": background,
            "signed": pacts.signed_pact(person),
            "topic": topic,
            "convocation": request.GET.get("convocation", "")[:20],
            "title": title,
            "breadcrumbs": person_breadcrumbs(person, (title, None)),
        },
    )


@operator_required
def pact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pact = _pact(request, pk)
    if pact.state != PactState.DRAFT:
        messages.warning(request, _("Solo un Patto in bozza si può modificare: riaprilo prima."))
        return redirect(_detail_url(pact))
    form = PactForm(request.POST or None, instance=pact, initial={"topic": pact.topic})
    if request.method == "POST" and form.is_valid():
        try:
            pacts.do_update_pact(pact, form.contents(), by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Bozza del Patto salvata."))
            return redirect(_detail_url(pact))
    elif request.method == "GET":
        log_access(request, pact)
    title = _("Modifica il Patto")
    return render(
        request,
        "services/pact_form.html",
        {
            "person": pact.person,
            "pact": pact,
            "form": form,
            "background": pacts.pact_background(pact.person),
            "title": title,
            "breadcrumbs": _crumbs(pact, (title, None)),
        },
    )


@operator_required
def pact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pact = _pact(request, pk)
    log_access(request, pact)
    return render(
        request,
        "services/pact_detail.html",
        {
            "pact": pact,
            "person": pact.person,
            "otps": list(pact.otps.order_by("-sent_at", "-id")[:10]),
            "breadcrumbs": _crumbs(pact),
        },
    )


def _run(request: HttpRequest, pact: ServicePact, action: str) -> HttpResponse:
    try:
        if action == "to_signature":
            pacts.do_send_pact_to_signature(pact, by=request.user)
            messages.success(request, _("Documento generato: il Patto è pronto per la firma."))
        else:
            pacts.do_reopen_pact(pact, by=request.user)
            messages.success(request, _("Patto riaperto in bozza: il documento andrà rigenerato."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(_detail_url(pact))


@operator_required
@require_POST
def pact_to_signature(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, _pact(request, pk), "to_signature")


@operator_required
@require_POST
def pact_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, _pact(request, pk), "reopen")


@operator_required
def pact_sign_otp(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a code to the person (present at the desk) and type the code they read out."""
    pact = _pact(request, pk)
    if pact.state != PactState.AWAITING_SIGNATURE:
        messages.warning(request, _("Il Patto non è in attesa di firma."))
        return redirect(_detail_url(pact))
    person = pact.person
    phone, email = pacts.otp_destination(person, "sms"), pacts.otp_destination(person, "email")
    send_form = OtpSendForm(
        request.POST if "send" in request.POST else None, phone=phone, email=email
    )
    confirm_form = OtpConfirmForm(request.POST if "confirm" in request.POST else None)
    if request.method == "POST" and "send" in request.POST and send_form.is_valid():
        try:
            otp = pacts.do_send_pact_otp(
                pact, channel=send_form.cleaned_data["channel"], by=request.user
            )
        except ValidationError as exc:
            send_form.add_action_errors(exc)
        else:
            messages.success(
                request,
                _("Codice inviato a %(destination)s. Vale fino alle %(time)s.")
                % {
                    "destination": otp.destination,
                    "time": timezone.localtime(otp.expires_at).strftime("%H:%M"),
                },
            )
            return redirect(reverse("services:pact_sign_otp", args=[pact.pk]))
    if request.method == "POST" and "confirm" in request.POST and confirm_form.is_valid():
        try:
            pacts.do_confirm_pact_otp(pact, confirm_form.cleaned_data["code"], by=request.user)
        except ValidationError as exc:
            confirm_form.add_action_errors(exc)
        else:
            messages.success(request, _("Patto firmato con codice OTP ed entrato nel fascicolo."))
            return redirect(_detail_url(pact))
    if request.method == "GET":
        log_access(request, pact, fields=("phone", "email"))
    title = _("Firma con codice OTP")
    return render(
        request,
        "services/pact_sign_otp.html",
        {
            "pact": pact,
            "person": person,
            "send_form": send_form,
            "confirm_form": confirm_form,
            "otp": pacts.latest_otp(pact),
            "max_attempts": pacts.OTP_MAX_ATTEMPTS,
            "title": title,
            "breadcrumbs": _crumbs(pact, (title, None)),
        },
    )


@operator_required
def pact_upload_scan(request: HttpRequest, pk: int) -> HttpResponse:
    pact = _pact(request, pk)
    if pact.state != PactState.AWAITING_SIGNATURE:
        messages.warning(request, _("Il Patto non è in attesa di firma."))
        return redirect(_detail_url(pact))
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            pacts.do_upload_pact_scan(pact, form.cleaned_data["scan"], by=request.user)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Scansione caricata: Patto firmato su carta."))
            return redirect(_detail_url(pact))
    title = _("Firma su carta")
    return render(
        request,
        "services/pact_upload_scan.html",
        {
            "pact": pact,
            "person": pact.person,
            "form": form,
            "max_mb": pacts.SCAN_MAX_BYTES // (1024 * 1024),
            "title": title,
            "breadcrumbs": _crumbs(pact, (title, None)),
        },
    )


@operator_required
def pact_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen document once at signature (or signed); a marked preview while a draft."""
    pact = _pact(request, pk)
    if pact.state == PactState.DRAFT:
        pdf = pacts.render_pact_pdf(pact, draft=True)
        filename = f"patto-{pact.pk}-bozza.pdf"
    else:
        stored = ServicePact.objects.values_list("document", flat=True).get(pk=pact.pk)
        if not stored:
            raise Http404
        pdf = bytes(stored)
        filename = f"patto-{pact.pk}.pdf"
    log_access(request, pact, action=AccessAction.PRINT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if pact.document_sha256:
        response["X-Document-SHA256"] = pact.document_sha256
    return response


@operator_required
def pact_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed paper scan, as uploaded."""
    pact = _pact(request, pk)
    if not pact.scan:
        raise Http404
    with pact.scan.open("rb") as handle:
        data = handle.read()
    kind = (pact.scan.name or "").rsplit(".", 1)[-1]
    log_access(request, pact, action=AccessAction.PRINT, fields=("scan",))
    response = HttpResponse(
        data, content_type=pacts.SCAN_CONTENT_TYPES.get(kind, "application/octet-stream")
    )
    response["Content-Disposition"] = f'attachment; filename="patto-{pact.pk}-firmato.{kind}"'
    return response
