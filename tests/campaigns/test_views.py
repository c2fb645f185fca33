"""Operator screens of campaigns: permissions, editor, texts, capacities, upload, dry run."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sil.accounts.models import Role
from sil.campaigns import views
from sil.campaigns.models import Campaign, CampaignState, Convocation, ImportBatch
from tests.campaigns.factories import (
    CampaignFactory,
    ConvocationFactory,
    ImportBatchFactory,
    OfficeCapacityFactory,
)
from tests.campaigns.test_import import good_lines, row
from tests.campaigns.test_import import world as world
from tests.factories import UserFactory


@pytest.fixture
def regional(db):
    return UserFactory(regional=True)


def login(client, user):
    client.force_login(user)
    return client


def test_list_and_detail_for_any_operator(client, world):
    operator = UserFactory(operator_of=world["cpi_a"])
    login(client, operator)
    response = client.get(reverse("campaigns:campaign_list"))
    assert response.status_code == 200
    assert world["campaign"].name in response.content.decode()
    assert "Nuova campagna" not in response.content.decode()
    detail = client.get(reverse("campaigns:campaign_detail", args=[world["campaign"].pk]))
    assert detail.status_code == 200
    # Plain operators neither create nor change campaigns.
    assert client.get(reverse("campaigns:campaign_create")).status_code == 403
    url = reverse("campaigns:campaign_import", args=[world["campaign"].pk])
    assert client.get(url).status_code == 403


def test_citizens_and_anonymous_are_kept_out(client, world):
    assert client.get(reverse("campaigns:campaign_list")).status_code == 302
    login(client, UserFactory(citizen=True))
    assert client.get(reverse("campaigns:campaign_list")).status_code == 403


def test_list_query_count(client, world, django_assert_num_queries, regional):
    for _n in range(5):
        campaign = CampaignFactory()
        ConvocationFactory(campaign=campaign, office=world["cpi_a"])
    login(client, regional)
    client.get(reverse("campaigns:campaign_list"))  # warm the session and memberships
    with django_assert_num_queries(7):
        response = client.get(reverse("campaigns:campaign_list"))
    assert response.status_code == 200


def test_detail_query_count(client, world, django_assert_num_queries, regional):
    campaign = world["campaign"]
    for _n in range(4):
        ConvocationFactory(campaign=campaign, office=world["cpi_a"])
    ImportBatchFactory(campaign=campaign)
    login(client, regional)
    url = reverse("campaigns:campaign_detail", args=[campaign.pk])
    client.get(url)
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


def test_create_edit_and_validation(client, world, regional):
    login(client, regional)
    url = reverse("campaigns:campaign_create")
    bad = client.post(
        url,
        {
            "name": "ADI gennaio",
            "slug": "adi-gennaio",
            "programme": world["campaign"].programme.pk,
            "deadline": "2020-01-01",
            "channels": ["sms"],
            "reminder_days": "3, domani",
            "appointment_minutes": 30,
            "helpline": "081 111 2222",
            "sms_cost_cents": 5,
        },
    )
    assert bad.status_code == 200
    content = bad.content.decode()
    assert "Il termine deve essere nel futuro" in content and "tra 1 e 30" in content
    deadline = (timezone.localdate() + dt.timedelta(days=50)).isoformat()
    good = client.post(
        url,
        {
            "name": "ADI gennaio",
            "slug": "adi-gennaio",
            "programme": world["campaign"].programme.pk,
            "deadline": deadline,
            "channels": ["sms", "email"],
            "reminder_days": "1, 3",
            "appointment_minutes": 30,
            "helpline": "081 111 2222",
            "sms_cost_cents": 5,
        },
    )
    campaign = Campaign.objects.get(slug="adi-gennaio")
    assert good.status_code == 302 and campaign.reminder_days == [3, 1]
    assert campaign.templates.filter(channel="email", language="it").exists()
    edit = client.post(
        reverse("campaigns:campaign_edit", args=[campaign.pk]),
        {
            "name": "ADI gennaio 2027",
            "slug": "adi-gennaio",
            "programme": campaign.programme.pk,
            "deadline": deadline,
            "channels": ["sms"],
            "reminder_days": "",
            "appointment_minutes": 45,
            "helpline": "081 111 2222",
            "sms_cost_cents": 6,
        },
    )
    assert edit.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "ADI gennaio 2027" and campaign.reminder_days == []


def test_templates_editor_with_counter(client, world, regional):
    campaign = world["campaign"]
    from sil.campaigns.actions import add_default_templates

    add_default_templates(campaign)
    login(client, regional)
    url = reverse("campaigns:campaign_templates", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200 and "GSM-7" in page.content.decode()
    data = {name: field.initial or "" for name, field in page.context["form"].fields.items()}
    data["body__invitation__sms__it"] = "Gentile {nome}, venga il {giorno}"
    bad = client.post(url, data)
    assert "Segnaposto sconosciuto: {giorno}" in bad.content.decode()
    data["body__invitation__sms__it"] = "Gentile {nome}, la aspettiamo il {data}. {link}"
    assert client.post(url, data).status_code == 302
    assert campaign.templates.get(step="invitation", channel="sms", language="it").body.startswith(
        "Gentile {nome}, la"
    )
    counter = client.post(
        reverse("campaigns:sms_counter", args=[campaign.pk]),
        {"body__invitation__sms__it": "È arrivato il suo turno " * 4},
    )
    text = counter.content.decode()
    assert "UCS-2" in text and "È" in text and "2 SMS" in text


def test_capacities_default_from_calendars_and_save(client, world, regional):
    from sil.appointments.models import Calendar

    campaign = world["campaign"]
    ConvocationFactory(campaign=campaign, office=world["cpi_a"])
    ConvocationFactory(campaign=campaign, office=world["cpi_b"])
    Calendar.objects.create(office=world["cpi_a"], name="A1", feed_token="cap-a1")
    login(client, regional)
    url = reverse("campaigns:campaign_capacities", args=[campaign.pk])
    page = client.get(url)
    form = page.context["form"]
    assert form.fields[f"office_{world['cpi_a'].pk}"].initial == 10
    assert form.fields[f"office_{world['cpi_b'].pk}"].initial == 0
    assert client.post(url, {f"office_{world['cpi_a'].pk}": "-1"}).status_code == 200
    response = client.post(
        url, {f"office_{world['cpi_a'].pk}": "12", f"office_{world['cpi_b'].pk}": "8"}
    )
    assert response.status_code == 302
    assert dict(campaign.capacities.values_list("office__code", "per_day")) == {
        "CPI-NA": 12,
        "CPI-SA": 8,
    }


def test_upload_with_errors_then_fixed(client, world, regional):
    campaign = world["campaign"]
    login(client, regional)
    url = reverse("campaigns:campaign_import", args=[campaign.pk])
    lines = [*good_lines(), row("RSSMRA80E01F839X")]
    bad = SimpleUploadedFile("lista.csv", "\n".join(lines).encode())
    response = client.post(url, {"file": bad}, follow=True)
    content = response.content.decode()
    assert "non è stato scritto nulla" in content and "cf_check" in content
    assert Convocation.objects.count() == 0
    good = SimpleUploadedFile("lista.csv", "\n".join(good_lines()).encode())
    response = client.post(url, {"file": good}, follow=True)
    assert "Lista importata: 3 persone da convocare" in response.content.decode()
    assert Convocation.objects.filter(campaign=campaign).count() == 3
    assert client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF")}).status_code == 200


def test_big_upload_goes_to_the_worker(client, world, regional, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "SYNC_IMPORT_MAX_BYTES", 10)
    deferred = []
    from sil.campaigns import tasks_import

    monkeypatch.setattr(tasks_import.import_list, "defer", lambda **kwargs: deferred.append(kwargs))
    login(client, regional)
    upload = SimpleUploadedFile("lista.csv", "\n".join(good_lines()).encode())
    response = client.post(
        reverse("campaigns:campaign_import", args=[world["campaign"].pk]), {"file": upload}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == "queued"
    assert deferred == [{"batch_id": batch.pk}]
    status_url = reverse("campaigns:import_status", args=[world["campaign"].pk, batch.pk])
    page = client.get(status_url)
    assert (
        "Importazione in corso" in page.content.decode() and "hx-trigger" in page.content.decode()
    )
    # The worker's side.
    result = tasks_import.run_queued_import(batch.pk)
    batch.refresh_from_db()
    assert result["written"] and batch.status == "done" and batch.written
    assert batch.processed == batch.total == 3 and batch.source_path == ""
    assert not list(tmp_path.rglob("*.csv"))
    partial = client.get(status_url, headers={"HX-Request": "true"})
    assert "Lista importata" in partial.content.decode()


def test_dry_run_page_and_json(client, world, regional):
    campaign = world["campaign"]
    ConvocationFactory(campaign=campaign, office=world["cpi_a"])
    ConvocationFactory(campaign=campaign, office=world["cpi_a"], phone="")
    OfficeCapacityFactory(campaign=campaign, office=world["cpi_a"], per_day=5)
    login(client, regional)
    url = reverse("campaigns:campaign_dry_run", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-chart="chart-dry-run"' in page.content.decode() or "Nessuna" in (
        page.content.decode()
    )
    data = json.loads(client.get(url, {"format": "json"}).content)
    assert data["recipients"] == 2 and data["recipients_by_office"] == {"CPI-NA": 2}
    assert data["sms"]["recipients"] == 1


def test_state_moves_from_the_page(client, world, regional):
    campaign = world["campaign"]
    login(client, regional)
    url = reverse("campaigns:campaign_move", args=[campaign.pk])
    response = client.post(url, {"target": "ready"}, follow=True)
    assert "Importare la lista" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT
    operator = UserFactory(operator_of=world["cpi_a"], role=Role.CPI_OPERATOR)
    login(client, operator)
    response = client.post(url, {"target": "ready"}, follow=True)
    assert "permessi" in response.content.decode()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PNG, "non è un file di testo"),
        # CP850 (the DOS code page) writes ü as 0x81, which no Windows code page reads.
        ("\n".join([*good_lines(), row("X", "Müller")]).encode("cp850"), "Codifica"),
        (
            "\n".join(good_lines()).encode().replace(b"Rossi", b"Ros\x00si"),
            "non è un file di testo",
        ),
    ],
    ids=["png-named-csv", "cp850", "nul-byte"],
)
def test_unreadable_upload_is_a_reported_error(client, world, regional, content, message):
    login(client, regional)
    url = reverse("campaigns:campaign_import", args=[world["campaign"].pk])
    response = client.post(url, {"file": SimpleUploadedFile("lista.csv", content)}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Convocation.objects.count() == 0
