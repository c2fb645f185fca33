import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sil.applications.actions import do_apply
from sil.applications.models import ApplicationState
from sil.employers import timeline as employer_timeline
from sil.notifications.dispatch import dispatch
from sil.notifications.models import MessageStatus as NotificationStatus
from sil.notifications.models import OutboxMessage
from sil.people import timeline
from sil.shortlists import actions
from sil.shortlists.machine import ShortlistTransitionError
from sil.shortlists.models import (
    ReceivedCv,
    Shortlist,
    ShortlistEntry,
    ShortlistMessage,
    ShortlistState,
)
from sil.shortlists.notifications import queue_shortlist_sent
from sil.vacancies.models import VacancyState
from tests.applications.factories import CvFactory, citizen_for
from tests.notifications.conftest import refusing_smtp, smtp
from tests.shortlists.conftest import contact
from tests.vacancies.factories import EmployerMembershipFactory

__all__ = ["refusing_smtp", "smtp"]  # fixtures of the loopback SMTP servers

pytestmark = pytest.mark.django_db


def test_add_candidates_opens_one_draft_and_keeps_order(world, shortlist):
    assert shortlist.state == ShortlistState.DRAFT
    assert shortlist.office == world["cpi_a"]
    entries = list(shortlist.entries.order_by("position"))
    assert [e.person for e in entries] == world["people"]
    assert [e.position for e in entries] == [1, 2, 3]
    # The score of the ranked list is kept with the weights that produced it.
    assert all(e.score is not None and 0 <= e.score <= 100 for e in entries)
    assert all(e.weights_version for e in entries)
    assert all(
        {"score", "weight", "explanation"} <= set(c) for e in entries for c in e.criteria.values()
    )
    # Adding again (one new, one already there) extends the same draft, once per person.
    newcomer = world["b"]
    again = actions.do_add_candidates(
        world["vacancy"], [world["a"].pk, newcomer.pk], world["operator_a"]
    )
    assert again.pk == shortlist.pk
    assert shortlist.entries.count() == 4
    assert shortlist.entries.get(person=newcomer).position == 4


def test_one_person_once_per_shortlist_in_the_database(world, shortlist):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShortlistEntry.objects.create(shortlist=shortlist, person=world["a"])


def test_no_candidates_or_unknown_person_is_refused(world):
    with pytest.raises(ShortlistTransitionError):
        actions.do_add_candidates(world["vacancy"], [], world["operator_a"])
    with pytest.raises(ShortlistTransitionError, match="non trovate"):
        actions.do_add_candidates(world["vacancy"], [999999], world["operator_a"])
    assert not Shortlist.objects.exists()


def test_closed_vacancy_gets_no_shortlist(world):
    world["vacancy"].state = VacancyState.CLOSED
    world["vacancy"].save()
    with pytest.raises(ShortlistTransitionError, match="offerta chiusa"):
        actions.do_add_candidates(world["vacancy"], [world["a"].pk], world["operator_a"])


def test_send_without_any_consent_is_refused(world, shortlist):
    contact(shortlist, world["a"], consent=False)
    with pytest.raises(ShortlistTransitionError, match="consenso"):
        actions.do_send_shortlist(shortlist, world["operator_a"])
    shortlist.refresh_from_db()
    assert shortlist.state == ShortlistState.DRAFT
    assert not ShortlistMessage.objects.exists()
    assert not ReceivedCv.objects.exists()


def test_only_consented_candidates_are_sent(world, sent):
    a, ciro, rosa = world["people"]
    assert sent.state == ShortlistState.SENT
    assert sent.sent_at is not None
    by_person = {e.person: e for e in sent.entries.all()}
    assert by_person[a].sent_at and by_person[ciro].sent_at
    assert by_person[rosa].sent_at is None
    assert by_person[a].consent_recorded_by == world["operator_a"]
    # Their CVs reach the firm's archive; the one who refused stays out.
    assert set(
        ReceivedCv.objects.filter(employer=world["employer"]).values_list("person", flat=True)
    ) == {a.pk, ciro.pk}


def test_database_refuses_a_sent_candidate_without_consent(world, shortlist):
    entry = shortlist.entries.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ShortlistEntry.objects.filter(pk=entry.pk).update(sent_at=timezone.now())


def test_sent_shortlist_is_frozen_and_new_candidates_open_a_new_one(world, sent):
    entry = sent.entries.get(person=world["people"][2])
    with pytest.raises(ShortlistTransitionError, match="già stata inviata"):
        actions.do_record_contact(entry, channel="phone", consent=True)
    with pytest.raises(ShortlistTransitionError, match="già stata inviata"):
        actions.do_remove_entry(entry, world["operator_a"])
    with pytest.raises(ShortlistTransitionError, match="non consentita"):
        actions.do_send_shortlist(sent, world["operator_a"])
    second = actions.do_add_candidates(world["vacancy"], [world["b"].pk], world["operator_a"])
    assert second.pk != sent.pk
    assert second.state == ShortlistState.DRAFT


def test_email_goes_through_the_outbox_per_recipient_and_once(world, sent, smtp):
    messages = list(ShortlistMessage.objects.filter(shortlist=sent).order_by("recipient"))
    assert [m.recipient for m in messages] == [
        "lavoro@conserve.example.it",
        "selezione@conserve.example.it",
    ]
    outbox = OutboxMessage.objects.filter(topic=f"shortlist:{sent.pk}").order_by("recipient")
    assert [(o.kind, o.person_id, o.recipient) for o in outbox] == [
        ("shortlists.shortlist_sent", None, m.recipient) for m in messages
    ]
    assert [m.outbox_message_id for m in messages] == [o.pk for o in outbox]
    assert "Magazziniere con patente C" in messages[0].subject
    assert f"/imprese/rose/ricevute/{sent.pk}/" in messages[0].body
    assert "Colloqui a marzo." in messages[0].body
    # Queued again (a retried action): the firm's messages have no person, yet none is added.
    with transaction.atomic():
        queue_shortlist_sent(sent, 2)
    assert outbox.count() == 2 and ShortlistMessage.objects.filter(shortlist=sent).count() == 2

    assert dispatch().sent == 2
    assert dispatch().sent == 0
    assert sorted(m["To"] for m in smtp.messages) == [m.recipient for m in messages]
    assert set(outbox.values_list("status", flat=True)) == {NotificationStatus.SENT}


def test_refused_address_is_failed_and_the_page_shows_it(client, world, sent, refusing_smtp):
    stats = dispatch()
    assert (stats.sent, stats.failed) == (0, 2)
    message = ShortlistMessage.objects.filter(shortlist=sent).first()
    assert message.outbox_message.status == NotificationStatus.FAILED
    client.force_login(world["operator_a"])
    page = client.get(reverse("shortlists:shortlist_detail", args=[sent.pk])).content.decode()
    assert f"{message.recipient}: non consegnato" in page


def test_same_address_of_user_and_vacancy_gets_one_message(world, shortlist):
    world["vacancy"].apply_email = "SELEZIONE@conserve.example.it"
    world["vacancy"].save()
    EmployerMembershipFactory(employer=world["employer"], user__email="altro@conserve.example.it")
    contact(shortlist, world["a"])
    actions.do_send_shortlist(shortlist, world["operator_a"])
    assert sorted(ShortlistMessage.objects.values_list("recipient", flat=True)) == [
        "altro@conserve.example.it",
        "selezione@conserve.example.it",
    ]


def test_feedback_and_outcome_need_a_sent_candidate(world, shortlist, sent):
    rosa_entry = sent.entries.get(person=world["people"][2])
    with pytest.raises(ShortlistTransitionError, match="non è stato inviato"):
        actions.do_record_outcome(rosa_entry, "hired", world["operator_a"])
    entry = sent.entries.get(person=world["a"])
    actions.do_record_feedback(entry, "interested", world["employer_user"], note="Colloquio")
    entry.refresh_from_db()
    assert (entry.feedback, entry.feedback_by) == ("interested", world["employer_user"])
    actions.do_close_shortlist(sent, world["operator_a"])
    with pytest.raises(ShortlistTransitionError, match="non ancora chiusa"):
        actions.do_record_outcome(entry, "hired", world["operator_a"])


def test_outcome_in_both_timelines(world, sent):
    entry = sent.entries.get(person=world["a"])
    actions.do_record_outcome(entry, "hired", world["operator_a"], note="Dal 1° aprile")
    person_events = [e for e in timeline.timeline(world["a"]) if e.kind.startswith("shortlist")]
    assert [e.kind for e in person_events] == ["shortlist_outcome", "shortlist"]
    assert "assunto" in person_events[0].title
    assert "Conserve Vesuviane" in person_events[1].title
    firm_events = [
        e for e in employer_timeline.timeline(world["employer"]) if e.kind.startswith("shortlist")
    ]
    assert [e.kind for e in firm_events] == ["shortlist_outcome", "shortlist"]
    assert world["a"].full_name in firm_events[0].title
    # Another firm's timeline has none of it; the refusing candidate's has nothing either.
    assert not [
        e
        for e in employer_timeline.timeline(world["other_employer"])
        if e.kind.startswith("shortlist")
    ]
    assert not [e for e in timeline.timeline(world["people"][2]) if e.kind.startswith("shortlist")]


def test_outcome_moves_the_candidates_application(world):
    person = world["a"]
    cv = CvFactory(person=person)
    application = do_apply(person, world["vacancy"], cv=cv, by=citizen_for(person))
    shortlist = actions.do_add_candidates(world["vacancy"], [person.pk], world["operator_a"])
    entry = shortlist.entries.get()
    assert entry.application == application
    contact(shortlist, person)
    actions.do_send_shortlist(shortlist, world["operator_a"])
    entry.refresh_from_db()
    actions.do_record_outcome(entry, "hired", world["operator_a"])
    application.refresh_from_db()
    assert application.state == ApplicationState.HIRED
    assert list(application.events.values_list("state_after", flat=True)) == [
        "submitted",
        "in_selection",
        "hired",
    ]


def test_applications_reach_the_cv_archive_once(world):
    person = world["a"]
    application = do_apply(
        person, world["vacancy"], cv=CvFactory(person=person), by=citizen_for(person)
    )
    received = ReceivedCv.objects.get(employer=world["employer"])
    assert (received.application, received.person, received.source) == (
        application,
        person,
        "application",
    )
    assert actions.do_record_received_application(application).pk == received.pk
    assert ReceivedCv.objects.count() == 1


def test_archive_and_restore(world, sent):
    received = ReceivedCv.objects.filter(employer=world["employer"]).first()
    actions.do_archive_received_cv(received, True, world["employer_user"])
    received.refresh_from_db()
    assert received.archived_at is not None
    actions.do_archive_received_cv(received, False, world["employer_user"])
    received.refresh_from_db()
    assert received.archived_at is None
