"""Registered message kinds: rendered in the recipient's language, enqueued once per business
key even when the person is NULL (messages to a firm's users)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sil.core.registry import MessageKind, registry
from sil.notifications.messages import compose, enqueue, recipient_step, render
from sil.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_kinds_with_templates_for_each_channel() -> None:
    names = {kind.name for kind in registry.message_kinds}
    assert {
        "applications.new_application",
        "applications.state_changed",
        "applications.withdrawn",
        "shortlists.shortlist_sent",
        "employers.invitation",
    } <= names
    assert all(isinstance(kind, MessageKind) for kind in registry.message_kinds)


def test_render_uses_the_recipients_language(settings) -> None:
    context = {
        "membership": None,
        "shortlist": {"vacancy": {"title": "Magazziniere", "employer": {"name": "Vesuvio"}}},
        "candidates": 2,
        "link": "http://127.0.0.1/x",
    }
    subject_it, body_it = render("shortlists.shortlist_sent", "email", context, "it")
    subject_en, _body_en = render("shortlists.shortlist_sent", "email", context, "en")
    assert subject_it == "Candidati proposti per «Magazziniere»"
    assert "2 candidati" in body_it
    assert subject_en != subject_it  # the English catalogue


def test_unknown_kind_or_channel_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        render("nessuno.tipo", "email", {}, "it")
    with pytest.raises(ValueError, match="no 'sms' templates"):
        render("shortlists.shortlist_sent", "sms", {}, "it")


def test_messages_without_person_are_kept_once_per_key() -> None:
    def spec(email: str) -> object:
        return compose(
            "employers.invitation",
            channel="email",
            recipient=email,
            topic="employer:1",
            step=recipient_step("invitation", email),
            context={"membership": None, "link": "http://127.0.0.1/x", "region": "Campania"},
        )

    with transaction.atomic():
        first = enqueue([spec("a@example.it"), spec("b@example.it")])
    with transaction.atomic():
        again = enqueue([spec("A@example.it "), spec("b@example.it")])
    assert [row.pk for row in again] == [row.pk for row in first]
    assert OutboxMessage.objects.filter(person=None).count() == 2
    assert {row.kind for row in first} == {"employers.invitation"}
