"""Signed delivery-report webhooks: bad signatures refused, reports idempotent and applied
forward-only whatever their order; the fake gateway posts them to a live server."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from sil.notifications.dispatch import dispatch
from sil.notifications.models import DeliveryReport, MessageStatus, OutboxMessage
from sil.notifications.signing import HEADER, sign
from sil.notifications.transports import WEBHOOK_PATH
from tests.notifications.conftest import SECRET
from tests.notifications.factories import OutboxMessageFactory

URL = "/notifiche/webhook/sms/"


def post(client, body: bytes, signature: str | None = None, provider: str = "sms"):
    headers = {HEADER: signature if signature is not None else sign(SECRET, body)}
    return client.post(
        f"/notifiche/webhook/{provider}/", body, content_type="application/json", headers=headers
    )


def report(message: OutboxMessage, status: str) -> bytes:
    return json.dumps(
        {"id": message.provider_message_id, "reference": str(message.pk), "status": status}
    ).encode()


def test_webhook_path_matches_the_url_configuration() -> None:
    assert reverse("notification_webhooks:report", kwargs={"provider": "sms"}) == (
        WEBHOOK_PATH.format(provider="sms")
    )


@pytest.mark.django_db
def test_bad_stale_or_missing_signatures_are_refused(client, settings) -> None:
    settings.SIL_WEBHOOK_SECRET = SECRET
    message = OutboxMessageFactory(sent=True, provider_message_id="gw-1")
    body = report(message, "delivered")
    assert post(client, body, signature="t=1,v1=00").status_code == 403
    assert post(client, body, signature="").status_code == 403
    assert post(client, body, signature=sign("another secret", body)).status_code == 403
    stale = sign(SECRET, body, int(time.time()) - 3600)
    assert post(client, body, signature=stale).status_code == 403
    # A valid signature over a different body.
    assert post(client, body, signature=sign(SECRET, body + b" ")).status_code == 403
    assert not DeliveryReport.objects.exists()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


@pytest.mark.django_db
def test_without_a_configured_secret_everything_is_refused(client, settings) -> None:
    settings.SIL_WEBHOOK_SECRET = ""
    body = b'{"id": "x", "status": "delivered"}'
    assert post(client, body, signature=sign("", body)).status_code == 403


@pytest.mark.django_db
def test_reports_are_idempotent_and_out_of_order(client, settings) -> None:
    settings.SIL_WEBHOOK_SECRET = SECRET
    message = OutboxMessageFactory(sent=True, provider_message_id="gw-7")
    answer = post(client, report(message, "DELIVRD"))
    assert answer.status_code == 200 and answer.json() == {"received": 1, "new": 1}
    assert post(client, report(message, "delivered")).json()["new"] == 0
    assert post(client, report(message, "sent")).json()["new"] == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None
    raw = DeliveryReport.objects.get(status="delivered").raw
    assert raw["status"] == "DELIVRD"


@pytest.mark.django_db
def test_malformed_bodies(client, settings) -> None:
    settings.SIL_WEBHOOK_SECRET = SECRET
    assert post(client, b"not json").status_code == 400
    assert post(client, b'{"id": "x", "status": "bogus"}').status_code == 400
    assert post(client, b'{"id": "x", "status": "delivered"}', provider="nobody").status_code == 404
    assert client.get(URL).status_code == 405
    # An unreadable time is replaced by the time of receipt.
    OutboxMessageFactory(sent=True, provider_message_id="gw-t")
    body = b'{"id": "gw-t", "status": "delivered", "at": "2026-13-45T99:00:00"}'
    assert post(client, body).json() == {"received": 1, "new": 1}
    assert DeliveryReport.objects.get(provider_message_id="gw-t").occurred_at is not None


@pytest.mark.django_db(transaction=True)
def test_gateway_posts_reports_out_of_order_to_a_live_server(
    gateway, live_server, settings
) -> None:
    settings.SITE_URL = live_server.url
    messages = [OutboxMessageFactory(person=None) for _ in range(4)]
    dispatch()
    # Each message: "delivered" first, then the late "sent"; then all of them again, shuffled.
    statuses = gateway.post_reports(["delivered", "sent"])
    assert statuses == [200] * 8
    assert gateway.post_reports(["sent", "delivered"], shuffle=True) == [200] * 8
    for message in messages:
        message.refresh_from_db()
        assert message.status == MessageStatus.DELIVERED
    assert DeliveryReport.objects.count() == 8
    assert set(DeliveryReport.objects.values_list("message_id", flat=True)) == {
        m.pk for m in messages
    }
