"""The Patto di servizio pages and API: the desk flow, scoping, access log, query counts."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from sil.core.models import AccessLog
from sil.notifications.models import OutboxMessage
from sil.services import pacts
from sil.services.models import PactState, ServicePact
from tests.factories import UserFactory
from tests.services.factories import ProfilingFactory, ServicePactFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _code(pact):
    message = OutboxMessage.objects.filter(topic=f"pact:{pact.pk}").latest("id")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _logged(user, pact, action):
    return AccessLog.objects.filter(
        user=user, object_type="services.servicepact", object_id=str(pact.pk), action=action
    ).exists()


def test_desk_flow_from_interview_to_otp_signature(client, world):
    person, operator = world["a"], world["operator_a"]
    ProfilingFactory(person=person, profiling_class="3")
    client.force_login(operator)
    create = reverse("services:pact_create", args=[person.pk])
    page = client.get(create, {"topic": "campaign:12", "convocation": "34"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="campaign:12"' in html and "classe 3" in html and "art. 25" in html
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["valid_from"] = "2026-11-22"
    data["meeting_frequency"] = ""
    bad = client.post(create, data)
    assert "meeting_frequency" in bad.context["form"].errors
    data["meeting_frequency"] = "Ogni due settimane"
    done = client.post(create, data)
    pact = ServicePact.objects.get(person=person)
    assert done.status_code == 302 and done["Location"] == reverse(
        "services:pact_detail", args=[pact.pk]
    )
    assert pact.topic == "campaign:12" and pact.meeting_frequency == "Ogni due settimane"
    # A second visit finds the pact in preparation instead of making another.
    assert client.get(create)["Location"] == reverse("services:pact_detail", args=[pact.pk])
    assert ServicePact.objects.count() == 1

    preview = client.get(reverse("services:pact_pdf", args=[pact.pk]))
    assert preview.content.startswith(b"%PDF-") and "bozza" in preview["Content-Disposition"]
    assert client.get(reverse("services:pact_to_signature", args=[pact.pk])).status_code == 405
    client.post(reverse("services:pact_to_signature", args=[pact.pk]))
    pact.refresh_from_db()
    assert pact.state == PactState.AWAITING_SIGNATURE
    download = client.get(reverse("services:pact_pdf", args=[pact.pk]))
    assert download.content == bytes(pact.document)
    assert download["X-Document-SHA256"] == pact.document_sha256
    assert _logged(operator, pact, "print")

    sign = reverse("services:pact_sign_otp", args=[pact.pk])
    page = client.get(sign)
    assert person.phone in page.content.decode()
    assert client.post(sign, {"send": "1", "channel": "sms"}).status_code == 302
    again = client.post(sign, {"send": "1", "channel": "sms"})
    assert "attendi un minuto" in again.content.decode()
    code = _code(pact)
    wrong = client.post(sign, {"confirm": "1", "code": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert "Tentativi rimasti: 4" in wrong.content.decode()
    signed = client.post(sign, {"confirm": "1", "code": code})
    assert signed.status_code == 302
    pact.refresh_from_db()
    assert pact.state == PactState.SIGNED and pact.signature_method == "otp"

    detail = client.get(reverse("services:pact_detail", args=[pact.pk])).content.decode()
    assert pact.document_sha256 in detail
    person_page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Patto di servizio firmato" in person_page  # timeline
    assert reverse("services:pact_pdf", args=[pact.pk]) in person_page  # panel


def test_paper_signature_through_the_page(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pact = pacts.do_send_pact_to_signature(ServicePactFactory(person=world["a"]))
    client.force_login(world["operator_a"])
    url = reverse("services:pact_upload_scan", args=[pact.pk])
    assert client.get(url).status_code == 200
    refused = client.post(
        url, {"scan": SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")}
    )
    assert "Sono ammessi solo" in refused.content.decode()
    assert client.post(url, {"scan": SimpleUploadedFile("firmato.pdf", PDF)}).status_code == 302
    pact.refresh_from_db()
    assert pact.state == PactState.SIGNED and pact.signature_method == "paper"
    scan = client.get(reverse("services:pact_scan", args=[pact.pk]))
    assert scan.content == PDF and scan["Content-Type"] == "application/pdf"
    # Signed: no more uploads.
    assert client.get(url).status_code == 302


def test_pages_are_scoped_to_the_operators_offices(client, world):
    other = pacts.do_send_pact_to_signature(ServicePactFactory(person=world["b"]))
    operator = world["operator_a"]
    client.force_login(operator)
    assert client.get(reverse("services:pact_create", args=[world["b"].pk])).status_code == 404
    for name in (
        "services:pact_detail",
        "services:pact_edit",
        "services:pact_sign_otp",
        "services:pact_upload_scan",
        "services:pact_pdf",
        "services:pact_scan",
    ):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, name
    for name in ("services:pact_reopen", "services:pact_sign_otp"):
        client.post(reverse(name, args=[other.pk]), {"send": "1", "channel": "sms"})
    assert ServicePact.objects.get(pk=other.pk).state == PactState.AWAITING_SIGNATURE
    assert not OutboxMessage.objects.exists()
    assert _logged(operator, other, "denied")
    # The regional role sees every office; citizens see no operator page.
    client.force_login(world["regional"])
    assert client.get(reverse("services:pact_detail", args=[other.pk])).status_code == 200
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("services:pact_detail", args=[other.pk])).status_code == 403


def test_detail_page_query_count(client, world, django_assert_max_num_queries):
    pact = pacts.do_send_pact_to_signature(ServicePactFactory(person=world["a"]))
    client.force_login(world["operator_a"])
    url = reverse("services:pact_detail", args=[pact.pk])
    client.get(url)  # warm up the session and membership caches
    with django_assert_max_num_queries(12) as one:
        assert client.get(url).status_code == 200
    for _ in range(3):  # OTP rows come in one query
        pacts.PactOtp.objects.create(
            pact=pact,
            channel="sms",
            destination="x",
            code_hash="h",
            document_sha256="d",
            expires_at=pact.created_at,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)
    assert _logged(world["operator_a"], pact, "view")


def test_api_create_freeze_send_and_confirm(world):
    person = world["a"]
    client = APIClient()
    client.force_authenticate(world["operator_a"])
    base = "/api/v1/service-pacts/"
    created = client.post(base, {"person": person.pk, "topic": "campaign:3"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and "art. 25" in body["availability"]
    assert body["office"] == world["cpi_a"].pk
    pk = body["id"]
    again = client.post(base, {"person": person.pk}, format="json")
    assert again.status_code == 400
    frozen = client.post(f"{base}{pk}/to-signature/").json()
    assert frozen["state"] == "awaiting" and len(frozen["document_sha256"]) == 64
    sent = client.post(f"{base}{pk}/send-otp/", {"channel": "email"}, format="json")
    assert sent.status_code == 201 and sent.json()["destination"] == person.email
    pact = ServicePact.objects.get(pk=pk)
    wrong = client.post(f"{base}{pk}/confirm-otp/", {"code": "12345"}, format="json")
    assert wrong.status_code == 400
    confirmed = client.post(f"{base}{pk}/confirm-otp/", {"code": _code(pact)}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "signed"
    listing = client.get(base, {"person": person.pk}).json()
    assert [row["id"] for row in listing["results"]] == [pk]
    assert "document" not in listing["results"][0]
    # Another CPI's person: not found, nothing created.
    other = client.post(base, {"person": world["b"].pk}, format="json")
    assert other.status_code == 400 and not ServicePact.objects.filter(person=world["b"]).exists()


def test_a_campaign_reaching_a_pact_already_begun_sets_its_topic(client, world):
    pact = ServicePactFactory(person=world["a"])
    client.force_login(world["operator_a"])
    url = reverse("services:pact_create", args=[world["a"].pk])
    assert client.get(url, {"topic": "campaign:9", "convocation": "1"}).status_code == 302
    assert client.get(url, {"topic": "not a topic"}).status_code == 302
    pact.refresh_from_db()
    assert pact.topic == "campaign:9"
