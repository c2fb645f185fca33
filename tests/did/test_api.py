import datetime as dt

import pytest
from django.core.management import call_command

from sil.core.models import AccessLog
from sil.did import actions
from sil.did.models import Did, DidState, LapseReason
from tests.did.conftest import DAY

pytestmark = pytest.mark.django_db

LIST = "/api/v1/did/"


def test_list_is_scoped_and_logged(client, world, did):
    other = actions.do_declare_did(world["b"], DAY, "cpi")
    client.force_login(world["operator_a"])
    response = client.get(LIST)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [did.pk]
    assert rows[0]["state"] == "active"
    assert rows[0]["seniority"]["days"] == (dt.date.today() - DAY).days + 1
    assert "revoke" in rows[0]["allowed_events"]
    assert client.get(f"{LIST}{other.pk}/").status_code == 404
    assert client.get(f"{LIST}{other.pk}/events/").status_code == 404
    assert AccessLog.objects.filter(
        object_type="did.did", object_id=str(did.pk), action="api_list"
    ).exists()
    assert not AccessLog.objects.filter(object_type="did.did", object_id=str(other.pk)).exists()
    client.force_login(world["regional"])
    assert {row["id"] for row in client.get(LIST, {"person": world["b"].pk}).json()["results"]} == {
        other.pk
    }


def test_declare_through_the_api(client, world):
    client.force_login(world["operator_a"])
    body = {"person": world["a"].pk, "did_date": "2025-01-10", "channel": "cpi"}
    response = client.post(LIST, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "active"
    again = client.post(LIST, body, content_type="application/json")
    assert again.status_code == 400
    assert "già una DID" in str(again.json())
    # Someone else's person is not a valid choice.
    body["person"] = world["b"].pk
    assert client.post(LIST, body, content_type="application/json").status_code == 400
    assert not Did.objects.filter(person=world["b"]).exists()


def test_events_through_the_api(client, world, did):
    client.force_login(world["operator_a"])
    url = f"{LIST}{did.pk}/events/"
    start = {"operation": "job_start", "effective_date": "2025-02-01"}
    assert client.post(url, start, content_type="application/json").status_code == 400
    start["projected_annual_income"] = "9000"
    response = client.post(url, start, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state_after"] == "suspended"
    # A second job start while suspended is illegal.
    response = client.post(url, start, content_type="application/json")
    assert response.status_code == 400
    assert "non consentita" in str(response.json())
    lapse = {"operation": "lapse", "effective_date": "2025-03-01", "reason": LapseReason.SANCTION}
    assert client.post(url, lapse, content_type="application/json").status_code == 201
    did.refresh_from_db()
    assert did.state == DidState.LAPSED
    events = client.get(url).json()
    assert [e["kind"] for e in events] == ["declare", "suspend", "lapse"]
    assert AccessLog.objects.filter(object_type="did.didevent", action="api_list").count() == 3


def test_schema_has_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/did/{id}/events/" in schema
