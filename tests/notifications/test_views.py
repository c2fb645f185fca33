"""Operators' message pages: scoped to the people of their offices, access logged, fixed SQL."""

from __future__ import annotations

import pytest

from sil.core.models import AccessLog
from sil.notifications.models import DeliveryAttempt
from tests.accounts.factories import OfficeFactory
from tests.factories import PersonFactory, UserFactory
from tests.notifications.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    office, other = OfficeFactory(), OfficeFactory()
    mine = PersonFactory(competent_office=office)
    theirs = PersonFactory(competent_office=other)
    return {
        "operator": UserFactory(operator_of=office),
        "regional": UserFactory(regional=True),
        "mine": OutboxMessageFactory(person=mine, topic="campaign:1"),
        "mine_email": OutboxMessageFactory(person=mine, topic="campaign:2", email=True),
        "theirs": OutboxMessageFactory(person=theirs, topic="campaign:1"),
        "nobody": OutboxMessageFactory(person=None, topic="bench:1"),
    }


def test_operator_sees_only_messages_of_their_offices(client, world) -> None:
    client.force_login(world["operator"])
    page = client.get("/operatori/messaggi/")
    assert page.status_code == 200
    shown = [m.pk for m in page.context["messages_page"]]
    assert sorted(shown) == sorted([world["mine"].pk, world["mine_email"].pk])
    assert client.get(f"/operatori/messaggi/{world['theirs'].pk}/").status_code == 404
    assert client.get(f"/operatori/messaggi/{world['nobody'].pk}/").status_code == 404
    assert AccessLog.objects.filter(action="list", object_id=str(world["mine"].pk)).exists()


def test_regional_role_sees_all_and_filters(client, world) -> None:
    client.force_login(world["regional"])
    page = client.get("/operatori/messaggi/")
    assert len(page.context["messages_page"]) == 4
    page = client.get("/operatori/messaggi/", {"topic": "campaign:", "channel": "sms"})
    assert sorted(m.pk for m in page.context["messages_page"]) == sorted(
        [world["mine"].pk, world["theirs"].pk]
    )
    page = client.get("/operatori/messaggi/", {"status": "sent"})
    assert page.context["messages_page"] == []


def test_detail_shows_attempts_and_is_logged(client, world) -> None:
    message = world["mine"]
    DeliveryAttempt.objects.create(
        message=message, provider="sms", ok=False, http_status=503, response='{"error": "down"}'
    )
    client.force_login(world["operator"])
    page = client.get(f"/operatori/messaggi/{message.pk}/")
    assert page.status_code == 200
    assert b"HTTP 503" in page.content and b"errore temporaneo" in page.content
    assert AccessLog.objects.filter(action="view", object_id=str(message.pk)).exists()


def test_citizens_are_refused(client, world) -> None:
    client.force_login(UserFactory(citizen=True))
    assert client.get("/operatori/messaggi/").status_code == 403


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries) -> None:
    client.force_login(world["regional"])
    client.get("/operatori/messaggi/")
    for _ in range(10):
        OutboxMessageFactory(person=PersonFactory())
    with django_assert_max_num_queries(20) as ctx:
        client.get("/operatori/messaggi/")
    first = len(ctx.captured_queries)
    for _ in range(10):
        OutboxMessageFactory(person=PersonFactory())
    with django_assert_max_num_queries(first):
        client.get("/operatori/messaggi/")
