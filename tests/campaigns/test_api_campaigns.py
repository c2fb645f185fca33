"""REST API of campaigns and convocations: scoping, access log, create, transitions, import."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sil.campaigns.models import Campaign, Convocation
from sil.core.models import AccessLog
from tests.campaigns.factories import CampaignFactory, ConvocationFactory
from tests.campaigns.test_import import good_lines, row
from tests.campaigns.test_import import world as world
from tests.factories import UserFactory

CAMPAIGNS = "/api/v1/campaigns/"
CONVOCATIONS = "/api/v1/convocations/"


def test_cpi_operator_sees_only_own_office_convocations(client, world, django_assert_num_queries):
    campaign = world["campaign"]
    mine = [ConvocationFactory(campaign=campaign, office=world["cpi_a"]) for _n in range(3)]
    other = ConvocationFactory(campaign=campaign, office=world["cpi_b"])
    operator = UserFactory(operator_of=world["cpi_a"])
    client.force_login(operator)
    client.get(CONVOCATIONS)
    with django_assert_num_queries(16):
        response = client.get(CONVOCATIONS, {"campaign": campaign.pk})
    ids = {item["id"] for item in response.json()["results"]}
    assert ids == {c.pk for c in mine}
    assert client.get(f"{CONVOCATIONS}{other.pk}/").status_code == 404
    logged = set(
        AccessLog.objects.filter(user=operator, object_type="campaigns.convocation").values_list(
            "object_id", flat=True
        )
    )
    assert {str(c.pk) for c in mine} <= {str(x) for x in logged}
    client.force_login(UserFactory(regional=True))
    assert client.get(CONVOCATIONS, {"office": world["cpi_b"].pk}).json()["count"] == 1
    assert client.get(CONVOCATIONS, {"state": "nope"}).status_code == 400


def test_create_and_transition(client, world):
    programme = world["campaign"].programme
    body = {
        "slug": "api-naspi",
        "name": "NASpI via API",
        "programme": programme.pk,
        "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "channels": ["sms"],
        "reminder_days": [2],
        "helpline": "081 000 0000",
    }
    client.force_login(UserFactory(operator_of=world["cpi_a"]))
    assert client.post(CAMPAIGNS, body, content_type="application/json").status_code == 403
    client.force_login(UserFactory(regional=True))
    response = client.post(CAMPAIGNS, body, content_type="application/json")
    assert response.status_code == 201, response.content
    campaign = Campaign.objects.get(slug="api-naspi")
    assert campaign.templates.exists()
    move = client.post(
        f"{CAMPAIGNS}{campaign.pk}/transition/",
        {"target": "ready"},
        content_type="application/json",
    )
    assert move.status_code == 400 and "Importare" in str(move.json())
    closed = CampaignFactory(running=True)
    move = client.post(
        f"{CAMPAIGNS}{closed.pk}/transition/", {"target": "closed"}, content_type="application/json"
    )
    assert move.status_code == 200 and move.json()["state"] == "closed"


def test_import_through_the_api(client, world):
    campaign = world["campaign"]
    client.force_login(UserFactory(regional=True))
    url = f"{CAMPAIGNS}{campaign.pk}/import/"
    bad = SimpleUploadedFile("l.csv", "\n".join([*good_lines(), row("XXX")]).encode())
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert response.json()["invalid"] == 1 and response.json()["errors"][0]["code"]
    good = SimpleUploadedFile("l.csv", "\n".join(good_lines()).encode())
    response = client.post(url, {"file": good})
    assert response.status_code == 200 and response.json()["written"]
    assert Convocation.objects.filter(campaign=campaign).count() == 3
    dry = client.get(f"{CAMPAIGNS}{campaign.pk}/dry-run/").json()
    assert dry["recipients"] == 3 and dry["recipients_by_office"] == {"CPI-NA": 2, "CPI-SA": 1}


def test_an_image_named_csv_is_a_reported_error_through_the_api(client, world):
    client.force_login(UserFactory(regional=True))
    url = f"{CAMPAIGNS}{world['campaign'].pk}/import/"
    image = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    response = client.post(url, {"file": SimpleUploadedFile("lista.csv", image)})
    assert response.status_code == 400
    assert [error["code"] for error in response.json()["errors"]] == ["file_binary"]
    assert Convocation.objects.count() == 0
