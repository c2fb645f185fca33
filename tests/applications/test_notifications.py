"""Messages of application events go through the notifications outbox: registered kinds, one
message per recipient even when written twice, sent by the dispatcher to a real SMTP server
on loopback; a permanent refusal is shown on the application's page."""

from __future__ import annotations

from email.header import decode_header, make_header

import pytest
from django.db import transaction
from django.urls import reverse

from sil.applications.actions import do_apply, do_change_state
from sil.applications.models import ApplicationNotification, ApplicationState
from sil.applications.notifications import write_notifications
from sil.notifications.dispatch import dispatch
from sil.notifications.models import MessageStatus, OutboxMessage
from tests.applications.factories import EmployerUserFactory
from tests.notifications.conftest import refusing_smtp, smtp

__all__ = ["refusing_smtp", "smtp"]  # fixtures of the loopback SMTP servers


def _people(world):
    world["a"].email = "anna@esempio.invalid"
    world["a"].save()
    return EmployerUserFactory(member_of=world["employer"], email="hr@impresa.invalid")


@pytest.mark.django_db
def test_messages_are_outbox_rows_of_their_kind_sent_once(world, smtp):
    recruiter = _people(world)
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    event = do_change_state(application, ApplicationState.IN_SELECTION, recruiter)

    rows = OutboxMessage.objects.filter(topic=f"application:{application.pk}")
    assert sorted(rows.values_list("kind", "recipient", "person_id")) == [
        ("applications.new_application", "hr@impresa.invalid", None),
        ("applications.state_changed", "anna@esempio.invalid", world["a"].pk),
    ]
    # Written again (a replayed event): nothing new in the outbox nor in the record.
    with transaction.atomic():
        assert write_notifications(event) == []
    assert rows.count() == 2

    assert dispatch().sent == 2
    assert dispatch().sent == 0
    assert sorted(m["To"] for m in smtp.messages) == ["anna@esempio.invalid", "hr@impresa.invalid"]
    to_citizen = next(m for m in smtp.messages if m["To"] == "anna@esempio.invalid")
    assert "in selezione" in str(make_header(decode_header(to_citizen["Subject"])))
    for notification in ApplicationNotification.objects.filter(application=application):
        assert [m.status for m in notification.outbox_messages.all()] == [MessageStatus.SENT]


@pytest.mark.django_db
def test_permanent_refusal_marks_the_message_failed_on_the_page(client, world, refusing_smtp):
    _people(world)
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    stats = dispatch()
    assert (stats.sent, stats.failed, stats.retried) == (0, 1, 0)
    message = application.notifications.get().outbox_messages.get()
    assert message.status == MessageStatus.FAILED
    (attempt,) = message.delivery_attempts.all()
    assert attempt.permanent and "550" in attempt.response

    client.force_login(world["operator_a"])
    page = client.get(reverse("applications:application_detail", args=[application.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Avvisi inviati" in text
    assert "hr@impresa.invalid" in text and "non consegnato" in text
