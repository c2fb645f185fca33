"""`sil notifications status` and `sil notifications dispatch` in this process."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.notifications.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


def test_status_reports_counts_and_providers(settings) -> None:
    settings.SIL_NOTIFICATIONS_DEMO_SINK = False
    settings.SIL_SMS_GATEWAY_URL = ""
    OutboxMessageFactory(person=None)
    OutboxMessageFactory(person=None, sent=True)
    out = StringIO()
    call_command("notifications", "status", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert {"channel": "sms", "status": "pending", "count": 1} in report["messages"]
    sms = next(p for p in report["providers"] if p["name"] == "sms")
    assert sms["configured"] is False
    assert report["pending"] == 1


def test_dispatch_until_empty(gateway) -> None:
    OutboxMessageFactory(person=None, topic="campaign:4")
    out = StringIO()
    call_command("notifications", "dispatch", "--until-empty", "--json", stdout=out)
    assert json.loads(out.getvalue())["sent"] == 1
    assert len(gateway.accepted_of("sms")) == 1
