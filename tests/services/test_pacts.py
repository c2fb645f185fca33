"""The Patto di servizio actions: contents from the dossier, frozen PDF, OTP and paper signature."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from sil.did.actions import do_declare_did
from sil.notifications.models import OutboxMessage
from sil.people import timeline
from sil.services import pacts
from sil.services.actions import do_assess_gol
from sil.services.models import GolPath, PactOtp, PactState, ServicePact
from sil.services.signals import pact_signed
from tests.dossier.factories import EducationFactory, WorkExperienceFactory
from tests.services.factories import ProfilingFactory, ServicePactFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _create(world, **data):
    person = world["a"]
    return pacts.do_create_pact(
        person,
        office=world["cpi_a"],
        operator=world["operator_a"],
        data=data,
        topic=data.pop("topic", ""),
        by=world["operator_a"],
    )


def _awaiting(world, **data):
    return pacts.do_send_pact_to_signature(_create(world, **data), by=world["operator_a"])


def _code(otp):
    message = OutboxMessage.objects.get(topic=f"pact:{otp.pact_id}", step=f"otp-{otp.pk}")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_create_prefills_from_profiling_gol_and_dossier(world):
    person = world["a"]
    ProfilingFactory(person=person, index="0.61000", profiling_class="2")
    path = GolPath.objects.get(number=2)
    do_assess_gol(
        person, {"path": path, "decided_on": dt.date(2026, 11, 1)}, by=world["operator_a"]
    )
    EducationFactory(person=person, title="Diploma di perito informatico")
    WorkExperienceFactory(person=person, employer_name="Officine Flegree")
    do_declare_did(person, dt.date(2026, 10, 1), "cpi")

    background = pacts.pact_background(person)
    assert [e.title for e in background.education] == ["Diploma di perito informatico"]
    assert [e.employer_name for e in background.experience] == ["Officine Flegree"]
    assert background.did is not None and background.did.did_date == dt.date(2026, 10, 1)

    pact = _create(world, meeting_frequency="Ogni 15 giorni")
    assert pact.state == PactState.DRAFT
    assert pact.profiling_class.startswith("classe 2, indice 0.61000")
    assert pact.gol_path == path
    assert pact.meeting_frequency == "Ogni 15 giorni"  # the interview wins over the proposal
    assert "art. 25" in pact.availability
    assert pact.valid_from == timezone.localdate()
    assert pact.office == world["cpi_a"] and pact.operator == world["operator_a"]


def test_one_open_pact_per_person_and_edit_only_in_draft(world):
    pact = _create(world)
    with pytest.raises(ValidationError, match="già un Patto"):
        _create(world)
    pacts.do_update_pact(pact, {"notes": "Rivedere a gennaio."}, by=world["operator_a"])
    assert ServicePact.objects.get(pk=pact.pk).notes == "Rivedere a gennaio."
    with pytest.raises(ValidationError):
        pacts.do_update_pact(pact, {"meeting_frequency": ""})  # required content
    pacts.do_send_pact_to_signature(pact)
    with pytest.raises(ValidationError, match="bozza"):
        pacts.do_update_pact(pact, {"notes": "altro"})


def test_pdf_is_frozen_with_a_stable_hash(world):
    pact = _awaiting(world, job_search_actions="Tre candidature alla settimana.")
    pact.refresh_from_db()
    document = bytes(pact.document)
    assert document.startswith(b"%PDF-")
    assert pact.document_sha256 == hashlib.sha256(document).hexdigest()
    # Rendering depends only on stored data: the same pact gives the same bytes.
    assert pacts.document_hash(pacts.render_pact_pdf(pact)) == pact.document_sha256
    pact.job_search_actions = "Una candidatura alla settimana."
    assert pacts.document_hash(pacts.render_pact_pdf(pact)) != pact.document_sha256
    draft = pacts.render_pact_pdf(pact, draft=True)
    assert draft.startswith(b"%PDF-") and draft != document


def test_pdf_template_carries_the_article_20_contents(world):
    from django.template.loader import render_to_string

    pact = _create(world, job_search_actions="Iscrizione a tre agenzie per il lavoro.")
    html = render_to_string(
        "services/pact_pdf.html",
        {"pact": pact, "person": pact.person, "office": pact.office, "operator": pact.operator},
    )
    for text in (
        "Responsabile delle attività",
        "Profilo di occupabilità",
        "Iscrizione a tre agenzie per il lavoro.",
        "Frequenza degli incontri",
        "ricerca attiva è dimostrata",
        "offerte congrue",
        world["a"].fiscal_code,
        "CPI A",
        "Firma della persona",
    ):
        assert text in html, text


def test_otp_is_queued_in_the_outbox_and_only_its_hash_stored(world):
    pact = _awaiting(world)
    otp = pacts.do_send_pact_otp(pact, channel="sms", by=world["operator_a"])
    message = OutboxMessage.objects.get(topic=f"pact:{pact.pk}")
    assert (message.step, message.channel, message.person_id) == (
        f"otp-{otp.pk}",
        "sms",
        world["a"].pk,
    )
    assert message.recipient == world["a"].phone
    assert message.not_after == otp.expires_at
    assert otp.expires_at - otp.sent_at <= dt.timedelta(minutes=10, seconds=1)
    code = _code(otp)
    assert code not in otp.code_hash and len(otp.code_hash) == 64
    assert otp.document_sha256 == ServicePact.objects.get(pk=pact.pk).document_sha256


def test_otp_wrong_then_right_signs_and_fires_the_signal(world):
    received = []

    def receiver(sender, pact, **kwargs):
        received.append((sender, pact.pk, pact.state, pact.topic))

    pact_signed.connect(receiver)
    try:
        pact = _awaiting(world, topic="campaign:7")
        otp = pacts.do_send_pact_otp(pact, channel="email")
        code = _code(otp)
        with pytest.raises(ValidationError, match="Tentativi rimasti: 4"):
            pacts.do_confirm_pact_otp(pact, _wrong(code))
        assert PactOtp.objects.get(pk=otp.pk).failed_attempts == 1  # counted despite the error
        assert received == []
        signed = pacts.do_confirm_pact_otp(pact, code, by=world["operator_a"])
    finally:
        pact_signed.disconnect(receiver)
    assert received == [(ServicePact, pact.pk, PactState.SIGNED, "campaign:7")]
    signed.refresh_from_db()
    assert signed.state == PactState.SIGNED and signed.signature_method == "otp"
    otp.refresh_from_db()
    assert otp.confirmed_at == signed.signed_at
    assert signed.document_sha256 == otp.document_sha256
    events = [e for e in timeline.timeline(world["a"]) if e.kind == "pact"]
    assert len(events) == 1 and events[0].at == signed.signed_at
    with pytest.raises(ValidationError):
        pacts.do_confirm_pact_otp(pact, code)  # already signed


def test_otp_expired(world):
    pact = _awaiting(world)
    otp = pacts.do_send_pact_otp(pact, channel="sms")
    code = _code(otp)
    # The hash is bound to the expiry: move the clock instead of the row.
    later = otp.expires_at + dt.timedelta(seconds=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        with pytest.raises(ValidationError, match="scaduto"):
            pacts.do_confirm_pact_otp(pact, code)
    assert ServicePact.objects.get(pk=pact.pk).state == PactState.AWAITING_SIGNATURE


def test_otp_too_many_attempts(world):
    pact = _awaiting(world)
    otp = pacts.do_send_pact_otp(pact, channel="sms")
    code = _code(otp)
    for _ in range(pacts.OTP_MAX_ATTEMPTS):
        with pytest.raises(ValidationError, match="errato"):
            pacts.do_confirm_pact_otp(pact, _wrong(code))
    with pytest.raises(ValidationError, match="Troppi tentativi"):
        pacts.do_confirm_pact_otp(pact, code)
    assert ServicePact.objects.get(pk=pact.pk).state == PactState.AWAITING_SIGNATURE


def test_otp_refused_when_the_document_changed(world):
    pact = _awaiting(world)
    otp = pacts.do_send_pact_otp(pact, channel="sms")
    code = _code(otp)
    ServicePact.objects.filter(pk=pact.pk).update(document=b"%PDF-1.7 altered")
    with pytest.raises(ValidationError, match="documento è cambiato"):
        pacts.do_confirm_pact_otp(pact, code)
    assert PactOtp.objects.get(pk=otp.pk).failed_attempts == 0


def test_reopen_invalidates_the_code(world):
    pact = _awaiting(world)
    otp = pacts.do_send_pact_otp(pact, channel="sms")
    code = _code(otp)
    pacts.do_reopen_pact(pact)
    reopened = ServicePact.objects.get(pk=pact.pk)
    assert reopened.state == PactState.DRAFT and not reopened.document_sha256
    pacts.do_update_pact(reopened, {"notes": "Aggiunta una nota."})
    pacts.do_send_pact_to_signature(reopened)
    with pytest.raises(ValidationError):
        pacts.do_confirm_pact_otp(reopened, code)


def test_otp_sending_is_rate_limited(world):
    pact = _awaiting(world)
    pacts.do_send_pact_otp(pact, channel="sms")
    with pytest.raises(ValidationError, match="attendi un minuto"):
        pacts.do_send_pact_otp(pact, channel="sms")
    for _ in range(pacts.OTP_MAX_PER_HOUR - 1):
        PactOtp.objects.filter(pact=pact).update(sent_at=timezone.now() - dt.timedelta(minutes=2))
        pacts.do_send_pact_otp(pact, channel="sms")
    PactOtp.objects.filter(pact=pact).update(sent_at=timezone.now() - dt.timedelta(minutes=2))
    with pytest.raises(ValidationError, match="ultima ora"):
        pacts.do_send_pact_otp(pact, channel="sms")
    assert OutboxMessage.objects.filter(topic=f"pact:{pact.pk}").count() == pacts.OTP_MAX_PER_HOUR


def test_otp_needs_a_contact_and_a_pact_at_signature(world):
    draft = _create(world)
    with pytest.raises(ValidationError, match="attesa di firma"):
        pacts.do_send_pact_otp(draft, channel="sms")
    pacts.do_send_pact_to_signature(draft)
    type(world["a"]).objects.filter(pk=world["a"].pk).update(phone="")
    with pytest.raises(ValidationError, match="cellulare"):
        pacts.do_send_pact_otp(draft, channel="sms")
    with pytest.raises(ValidationError):
        pacts.do_send_pact_otp(draft, channel="fax")


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("patto.pdf", b"", "vuoto"),
        ("patto.pdf", b"just text pretending", "Sono ammessi"),
        ("patto.pdf", PNG, "Sono ammessi"),  # content and name disagree
        ("patto.exe", PDF, "Sono ammessi"),
        ("patto.pdf", PDF + b"\0" * pacts.SCAN_MAX_BYTES, "supera"),
    ],
)
def test_paper_scan_type_and_size_checks(world, media, name, data, error):
    pact = _awaiting(world)
    with pytest.raises(ValidationError, match=error):
        pacts.do_upload_pact_scan(pact, SimpleUploadedFile(name, data, "application/pdf"))
    assert ServicePact.objects.get(pk=pact.pk).state == PactState.AWAITING_SIGNATURE
    assert not list(media.rglob("*.*"))


@pytest.mark.parametrize(("name", "data"), [("firmato.PDF", PDF), ("f.jpg", JPEG), ("f.png", PNG)])
def test_paper_scan_signs(world, media, name, data):
    pact = _awaiting(world)
    signed = pacts.do_upload_pact_scan(pact, SimpleUploadedFile(name, data, "text/plain"))
    signed.refresh_from_db()
    assert signed.state == PactState.SIGNED and signed.signature_method == "paper"
    assert signed.scan_sha256 == hashlib.sha256(data).hexdigest()
    with signed.scan.open("rb") as handle:
        assert handle.read() == data
    assert name not in signed.scan.name  # our own file name, never the uploaded one


def test_a_new_signed_pact_supersedes_the_previous_one(world, media):
    first = pacts.do_upload_pact_scan(_awaiting(world), SimpleUploadedFile("a.pdf", PDF))
    second = _awaiting(world, notes="Dopo il corso di formazione.")
    otp = pacts.do_send_pact_otp(second, channel="sms")
    pacts.do_confirm_pact_otp(second, _code(otp))
    states = dict(ServicePact.objects.values_list("pk", "state"))
    assert states == {first.pk: PactState.SUPERSEDED, second.pk: PactState.SIGNED}
    assert pacts.signed_pact(world["a"]).pk == second.pk
    # The database, not only the action, keeps one signed pact per person.
    with pytest.raises(IntegrityError), transaction.atomic():
        ServicePact.objects.filter(pk=first.pk).update(state=PactState.SIGNED)


def test_illegal_moves_are_refused(world):
    pact = _create(world)
    with pytest.raises(ValidationError, match="non può passare"):
        pacts.do_confirm_pact_otp(pact, "123456")
    with pytest.raises(ValidationError, match="non può passare"):
        pacts.do_reopen_pact(pact)
    pact = ServicePactFactory(person=world["b"])
    assert pact.office == world["cpi_b"]
