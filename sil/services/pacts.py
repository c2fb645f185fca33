"""Patto di servizio personalizzato (art. 20 D.Lgs. 150/2015, SPEC section 4): reads and writes.

A pact is drafted from the dossier and the interview, frozen as a PDF when it goes to signature
(bytes and SHA-256 stored) and signed either on paper (the signed scan is uploaded) or with a
one-time code sent to the person's phone or e-mail through the notifications outbox. Only the
code's HMAC is stored, bound to the pact, the document hash and the code's expiry. A new
signed pact supersedes the previous one; `signals.pact_signed` tells higher apps (campaigns).

States (one table of allowed moves, TRANSITIONS):

    draft ──to signature──▶ awaiting ──signed──▶ signed ──new pact signed──▶ superseded
      ▲                        │
      └──────reopen────────────┘
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from sil.core.actions import action
from sil.did.models import Did
from sil.did.queries import current_did
from sil.dossier.models import Availability
from sil.dossier.queries import availability_of, section_rows
from sil.notifications.actions import MessageSpec, do_enqueue
from sil.people.models import Person
from sil.services.models import (
    GolAssessment,
    PactOtp,
    PactState,
    Profiling,
    ServicePact,
    SignatureMethod,
)
from sil.services.queries import latest_gol_assessment, latest_profiling
from sil.services.signals import pact_signed
from sil.territory.models import Office

TRANSITIONS: dict[tuple[str, str], str] = {
    (PactState.DRAFT, PactState.AWAITING_SIGNATURE): "to_signature",
    (PactState.AWAITING_SIGNATURE, PactState.DRAFT): "reopen",
    (PactState.AWAITING_SIGNATURE, PactState.SIGNED): "sign",
    (PactState.SIGNED, PactState.SUPERSEDED): "supersede",
}

# What the operator agrees with the person at the interview (the rest comes from the records).
CONTENT_FIELDS = (
    "profiling_class",
    "gol_path",
    "job_search_actions",
    "meeting_frequency",
    "search_proof",
    "availability",
    "notes",
    "valid_from",
)

OTP_TTL = dt.timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 5
OTP_RESEND_AFTER = dt.timedelta(seconds=60)
OTP_MAX_PER_HOUR = 5
OTP_CHANNELS = ("sms", "email")
_OTP_SALT = "sil.services.pacts.otp"

SCAN_MAX_BYTES = 10 * 1024 * 1024
# Signatures of the accepted scan formats and the extensions each may carry.
SCAN_TYPES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "pdf": (b"%PDF-", (".pdf",)),
    "jpg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
SCAN_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


# --- reads -------------------------------------------------------------------------------


@dataclass
class PactBackground:
    """What the operator reads before the interview: records, not pact contents."""

    profiling: Profiling | None
    gol_assessment: GolAssessment | None
    did: Did | None
    education: list[Any] = field(default_factory=list)
    experience: list[Any] = field(default_factory=list)
    training: list[Any] = field(default_factory=list)
    availability: Availability | None = None


def pact_background(person: Person) -> PactBackground:
    rows = section_rows(person, ("titoli", "esperienze", "formazione"))
    return PactBackground(
        profiling=latest_profiling(person),
        gol_assessment=latest_gol_assessment(person),
        did=current_did(person),
        education=rows["titoli"],
        experience=rows["esperienze"][:5],
        training=rows["formazione"][:5],
        availability=availability_of(person),
    )


def profile_label(profiling: Profiling | None) -> str:
    """The occupability profile as the pact states it (max 60 characters)."""
    if profiling is None:
        return ""
    label = _("indice %(index)s") % {"index": profiling.index}
    if profiling.profiling_class:
        label = _("classe %(cls)s, %(label)s") % {"cls": profiling.profiling_class, "label": label}
    return f"{label} ({profiling.profiled_on:%d/%m/%Y})"[:60]


def suggested_contents(person: Person, background: PactBackground | None = None) -> dict[str, Any]:
    """Initial contents for the interview form: the operator reads and edits every line."""
    background = background or pact_background(person)
    assessment = background.gol_assessment
    return {
        "profiling_class": profile_label(background.profiling),
        "gol_path": assessment.path if assessment is not None else None,
        "job_search_actions": _(
            "Aggiornare il curriculum entro 15 giorni; candidarsi ad almeno 2 offerte di lavoro "
            "al mese coerenti con il proprio profilo; consultare ogni settimana le offerte "
            "pubblicate dal CPI."
        ),
        "meeting_frequency": _("Un incontro con il CPI ogni 30 giorni"),
        "search_proof": _(
            "Copia delle candidature inviate e delle risposte ricevute, da presentare a ogni "
            "incontro o da caricare nell'area personale."
        ),
        "availability": _(
            "Disponibilità a partecipare a laboratori di orientamento, corsi di formazione e "
            "riqualificazione e alle altre misure di politica attiva proposte dal CPI, e ad "
            "accettare offerte di lavoro congrue (art. 25 D.Lgs. 150/2015)."
        ),
        "notes": "",
        "valid_from": timezone.localdate(),
    }


def open_pact(person: Person | int) -> ServicePact | None:
    """The draft or awaiting pact of the person, if any (at most one: a constraint says so)."""
    return (
        ServicePact.objects.filter(
            person=person, state__in=[PactState.DRAFT, PactState.AWAITING_SIGNATURE]
        )
        .order_by("-id")
        .first()
    )


def signed_pact(person: Person | int) -> ServicePact | None:
    return ServicePact.objects.filter(person=person, state=PactState.SIGNED).first()


def pacts_of(person: Person | int) -> list[ServicePact]:
    """Every pact of the person, newest first, without the PDF bytes."""
    return list(
        ServicePact.objects.filter(person=person)
        .defer("document")
        .select_related("office", "gol_path")
        .order_by("-created_at", "-id")
    )


def latest_otp(pact: ServicePact) -> PactOtp | None:
    return pact.otps.order_by("-sent_at", "-id").first()


def document_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the pact print loads no external resource ({url})")


def render_pact_pdf(pact: ServicePact, *, draft: bool = False) -> bytes:
    """The pact as a PDF. It depends on the stored data only (no clock), so rendering the same
    pact twice gives the same bytes."""
    import weasyprint  # heavy: imported lazily

    person = pact.person
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "services/pact_pdf.html",
            {
                "pact": pact,
                "person": person,
                "office": pact.office,
                "operator": pact.operator,
                "did": current_did(person),
                "draft": draft,
            },
        )
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf


# --- writes ------------------------------------------------------------------------------


def check_transition(pact: ServicePact, target: str) -> None:
    if (pact.state, target) not in TRANSITIONS:
        raise ValidationError(
            _("Il Patto è «%(state)s»: non può passare a «%(target)s».")
            % {
                "state": PactState(pact.state).label,
                "target": PactState(target).label,
            },
            code="pact_transition",
        )


def _lock(pact: ServicePact) -> ServicePact:
    locked: ServicePact = ServicePact.objects.select_for_update().get(pk=pact.pk)
    return locked


def _set_contents(pact: ServicePact, data: Mapping[str, Any]) -> None:
    for name in CONTENT_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name not in ("gol_path", "valid_from"):
                value = ""
            setattr(pact, name, value)
    if not pact.valid_from:
        pact.valid_from = timezone.localdate()
    # Constraints are the database's job (an IntegrityError is turned into a message).
    pact.full_clean(exclude=["person", "office", "operator"], validate_constraints=False)


def do_create_pact(
    person: Person,
    *,
    office: Office,
    operator: Any,
    data: Mapping[str, Any],
    topic: str = "",
    by: Any = None,
) -> ServicePact:
    """Draft a pact; fields missing from `data` are prefilled from the dossier and services."""
    contents = {**suggested_contents(person), **data}
    pact = ServicePact(
        person=person,
        office=office,
        operator=operator if getattr(operator, "pk", None) else None,
        topic=topic[:60],
    )
    _set_contents(pact, contents)
    try:
        with action(by, "create_pact", person=person.pk, topic=topic):
            pact.save()
    except IntegrityError:
        raise ValidationError(
            _("La persona ha già un Patto in bozza o in attesa di firma."), code="pact_open"
        ) from None
    return pact


def do_update_pact(pact: ServicePact, data: Mapping[str, Any], *, by: Any = None) -> ServicePact:
    """Edit the contents of a draft (a pact at signature must be reopened first)."""
    with action(by, "update_pact", person=pact.person_id, pact=pact.pk):
        locked = _lock(pact)
        if locked.state != PactState.DRAFT:
            raise ValidationError(
                _("Solo un Patto in bozza si può modificare: riaprilo prima."), code="pact_frozen"
            )
        _set_contents(locked, data)
        locked.save()
    return locked


def do_set_pact_topic(pact: ServicePact, topic: str, *, by: Any = None) -> ServicePact:
    """Record where an unsigned pact came from (a campaign reaching a pact already begun).
    The topic is not printed: the frozen document does not change."""
    with action(by, "set_pact_topic", person=pact.person_id, pact=pact.pk):
        locked = _lock(pact)
        if locked.state not in (PactState.DRAFT, PactState.AWAITING_SIGNATURE):
            raise ValidationError(_("Il Patto è già firmato."), code="pact_signed")
        locked.topic = topic[:60]
        locked.save(update_fields=["topic"])
    return locked


def do_send_pact_to_signature(pact: ServicePact, *, by: Any = None) -> ServicePact:
    """Render the PDF and freeze it: from now on the contents cannot change unseen."""
    with action(by, "pact_to_signature", person=pact.person_id, pact=pact.pk):
        locked = _lock(pact)
        check_transition(locked, PactState.AWAITING_SIGNATURE)
        pdf = render_pact_pdf(locked)
        locked.document = pdf
        locked.document_sha256 = document_hash(pdf)
        locked.state = PactState.AWAITING_SIGNATURE
        locked.save(update_fields=["document", "document_sha256", "state"])
    return locked


def do_reopen_pact(pact: ServicePact, *, by: Any = None) -> ServicePact:
    """Back to draft: the frozen document and any code sent for it stop counting."""
    with action(by, "reopen_pact", person=pact.person_id, pact=pact.pk):
        locked = _lock(pact)
        check_transition(locked, PactState.DRAFT)
        now = timezone.now()
        locked.otps.filter(confirmed_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        locked.document = None
        locked.document_sha256 = ""
        locked.state = PactState.DRAFT
        locked.save(update_fields=["document", "document_sha256", "state"])
    return locked


def _sign(pact: ServicePact, method: str, at: dt.datetime) -> None:
    """Inside the caller's transaction, with `pact` locked."""
    check_transition(pact, PactState.SIGNED)
    # of=: the default ordering joins the person, whose row is not to be locked here.
    previous = list(
        ServicePact.objects.select_for_update(of=("self",))
        .filter(person_id=pact.person_id, state=PactState.SIGNED)
        .exclude(pk=pact.pk)
        .only("id", "state")
    )
    for old in previous:
        check_transition(old, PactState.SUPERSEDED)
        old.state = PactState.SUPERSEDED
        old.save(update_fields=["state"])
    pact.state = PactState.SIGNED
    pact.signature_method = method
    pact.signed_at = at
    pact.save(
        update_fields=["state", "signature_method", "signed_at", "scan", "scan_sha256"],
    )
    pact_signed.send(sender=ServicePact, pact=pact)


def _otp_hash(pact_id: int, document_sha256: str, expires_at: dt.datetime, code: str) -> str:
    stamp = int(expires_at.timestamp() * 1_000_000)
    value = f"{pact_id}:{document_sha256}:{stamp}:{code}"
    return salted_hmac(_OTP_SALT, value, algorithm="sha256").hexdigest()


def _otp_message(pact: ServicePact, code: str, channel: str) -> tuple[str, str]:
    """(subject, body) in Italian: short, with the CPI's phone for who needs help."""
    office = pact.office
    with translation.override(settings.LANGUAGE_CODE):
        if channel == "sms":
            body = _(
                "Il codice per firmare il Patto di servizio al %(office)s è %(code)s. Vale 10 "
                "minuti. Dillo solo all'operatore allo sportello."
            ) % {"office": office.name[:40], "code": code}
            return "", body
        subject = _("Codice per firmare il Patto di servizio")
        body = _(
            "Buongiorno,\n\nil codice per firmare il Patto di servizio personalizzato al "
            "%(office)s è:\n\n%(code)s\n\nIl codice vale 10 minuti. Comunicalo solo "
            "all'operatore che ti sta ricevendo allo sportello.\n\nSe non sei al CPI in questo "
            "momento, ignora questo messaggio%(phone)s.\n"
        ) % {
            "office": office.name,
            "code": code,
            "phone": (_(" e chiama il numero %(phone)s") % {"phone": office.phone})
            if office.phone
            else "",
        }
        return subject, body


def otp_destination(person: Person, channel: str) -> str:
    return (person.phone if channel == "sms" else person.email).strip()


def do_send_pact_otp(pact: ServicePact, *, channel: str, by: Any = None) -> PactOtp:
    """Send a 6-digit code for the frozen document; only its HMAC is stored.

    Limits: one code a minute and five an hour per pact; an earlier code stops counting.
    """
    if channel not in OTP_CHANNELS:
        raise ValidationError({"channel": _("Canale non valido: SMS o e-mail.")})
    with action(by, "send_pact_otp", person=pact.person_id, pact=pact.pk):
        locked = _lock(pact)
        if locked.state != PactState.AWAITING_SIGNATURE or not locked.document_sha256:
            raise ValidationError(
                _("Il codice si invia solo per un Patto in attesa di firma."), code="pact_state"
            )
        destination = otp_destination(locked.person, channel)
        if not destination:
            raise ValidationError(
                {
                    "channel": (
                        _("La persona non ha un numero di cellulare registrato.")
                        if channel == "sms"
                        else _("La persona non ha un indirizzo e-mail registrato.")
                    )
                }
            )
        now = timezone.now()
        recent = list(locked.otps.filter(sent_at__gt=now - dt.timedelta(hours=1)))
        if any(otp.sent_at > now - OTP_RESEND_AFTER for otp in recent):
            raise ValidationError(
                _(
                    "Un codice è stato appena inviato: attendi un minuto prima di chiederne un altro."
                ),
                code="otp_rate",
            )
        if len(recent) >= OTP_MAX_PER_HOUR:
            raise ValidationError(
                _("Troppi codici inviati nell'ultima ora: riprova più tardi o firma su carta."),
                code="otp_rate",
            )
        locked.otps.filter(confirmed_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        code = f"{secrets.randbelow(1_000_000):06d}"
        expires_at = now + OTP_TTL
        otp = PactOtp.objects.create(
            pact=locked,
            channel=channel,
            destination=destination,
            code_hash=_otp_hash(locked.pk, locked.document_sha256, expires_at, code),
            document_sha256=locked.document_sha256,
            expires_at=expires_at,
        )
        subject, body = _otp_message(locked, code, channel)
        do_enqueue(
            [
                MessageSpec(
                    person_id=locked.person_id,
                    topic=f"pact:{locked.pk}",
                    step=f"otp-{otp.pk}",
                    channel=channel,
                    recipient=destination,
                    body=body,
                    subject=subject,
                    not_after=expires_at,
                )
            ]
        )
    return otp


def do_confirm_pact_otp(pact: ServicePact, code: str, *, by: Any = None) -> ServicePact:
    """Sign with the code the person reads out: right code, not expired, fewer than five wrong
    tries, and the document is still the one the code was sent for."""
    code = "".join(str(code or "").split())
    error: ValidationError | None = None
    with action(by, "confirm_pact_otp", person=pact.person_id, pact=pact.pk):
        locked = _lock(pact)
        check_transition(locked, PactState.SIGNED)
        otp = locked.otps.select_for_update().order_by("-sent_at", "-id").first()
        now = timezone.now()
        if otp is None or otp.confirmed_at is not None:
            error = ValidationError(
                {"code": _("Nessun codice in corso: invia prima il codice alla persona.")}
            )
        elif otp.failed_attempts >= OTP_MAX_ATTEMPTS:
            error = ValidationError(
                {"code": _("Troppi tentativi errati: invia un nuovo codice.")}, code="otp_locked"
            )
        elif otp.expires_at <= now:
            error = ValidationError(
                {"code": _("Il codice è scaduto: invia un nuovo codice.")}, code="otp_expired"
            )
        elif not (
            locked.document
            and constant_time_compare(document_hash(bytes(locked.document)), otp.document_sha256)
            and constant_time_compare(locked.document_sha256, otp.document_sha256)
        ):
            error = ValidationError(
                {
                    "code": _(
                        "Il documento è cambiato dopo l'invio del codice: invia un nuovo codice."
                    )
                },
                code="otp_document",
            )
        elif not (
            len(code) == 6
            and code.isdigit()
            and constant_time_compare(
                _otp_hash(locked.pk, otp.document_sha256, otp.expires_at, code), otp.code_hash
            )
        ):
            # Counted even though the signature fails: the count commits, then we raise.
            otp.failed_attempts += 1
            otp.save(update_fields=["failed_attempts"])
            left = OTP_MAX_ATTEMPTS - otp.failed_attempts
            error = ValidationError(
                {
                    "code": _("Codice errato. Tentativi rimasti: %(left)d.") % {"left": left}
                    if left
                    else _("Codice errato. Tentativi esauriti: invia un nuovo codice.")
                },
                code="otp_wrong",
            )
        else:
            otp.confirmed_at = now
            otp.save(update_fields=["confirmed_at"])
            _sign(locked, SignatureMethod.OTP, now)
    if error is not None:
        raise error
    return locked


def _scan_too_big() -> ValidationError:
    return ValidationError(
        {
            "scan": _("Il file supera %(mb)d MB: scansiona a risoluzione più bassa.")
            % {"mb": SCAN_MAX_BYTES // (1024 * 1024)}
        },
        code="scan_size",
    )


def check_scan(name: str, data: bytes) -> str:
    """The scan's kind ("pdf", "jpg", "png") from its first bytes and its name; or an error.
    The browser's declared content type is not trusted."""
    if not data:
        raise ValidationError({"scan": _("Il file è vuoto.")}, code="scan_empty")
    if len(data) > SCAN_MAX_BYTES:
        raise _scan_too_big()
    lowered = name.lower()
    for kind, (magic, extensions) in SCAN_TYPES.items():
        if data.startswith(magic):
            if not lowered.endswith(extensions):
                break
            return kind
    raise ValidationError(
        {"scan": _("Sono ammessi solo file PDF, JPEG o PNG (il contenuto deve corrispondere).")},
        code="scan_type",
    )


def do_upload_pact_scan(pact: ServicePact, upload: Any, *, by: Any = None) -> ServicePact:
    """Sign on paper: the scan of the printed pact signed by the person and the operator."""
    if (getattr(upload, "size", None) or 0) > SCAN_MAX_BYTES:
        raise _scan_too_big()
    data = upload.read(SCAN_MAX_BYTES + 1)
    kind = check_scan(getattr(upload, "name", "") or "", data)
    with action(by, "upload_pact_scan", person=pact.person_id, pact=pact.pk):
        locked = _lock(pact)
        check_transition(locked, PactState.SIGNED)
        digest = document_hash(data)
        locked.scan.save(f"patto-{locked.pk}-{digest[:12]}.{kind}", ContentFile(data), save=False)
        locked.scan_sha256 = digest
        _sign(locked, SignatureMethod.PAPER, timezone.now())
    return locked
