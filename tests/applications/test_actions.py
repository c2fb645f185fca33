"""Applying, spontaneous applications, state changes: events, constraints, who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, ProgrammingError, connection, transaction

from sil.applications.actions import (
    do_apply,
    do_apply_spontaneous,
    do_change_state,
    do_mark_viewed,
    do_withdraw,
)
from sil.applications.machine import ApplicationTransitionError
from sil.applications.models import (
    Actor,
    Application,
    ApplicationEvent,
    ApplicationNotification,
    ApplicationState,
)
from sil.applications.queries import applications_for_employer, applications_for_vacancy
from sil.notifications.models import OutboxMessage
from tests.applications.factories import (
    CvFactory,
    EmployerFactory,
    EmployerUserFactory,
    VacancyFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationState


def test_apply_writes_the_application_its_first_event_and_a_cv_copy(world):
    cv = CvFactory(person=world["a"], headline="Cassiere esperto")
    application = do_apply(
        world["a"],
        world["vacancy"],
        cv=cv,
        message=" Disponibile da subito ",
        by=world["citizen_a"],
    )
    assert application.state == S.SUBMITTED
    assert application.employer == world["employer"]
    assert application.message == "Disponibile da subito"
    snapshot = application.cv_snapshot["Extensions"]["opensil"]
    assert snapshot["headline"] == "Cassiere esperto"
    [event] = application.events.all()
    assert (event.state_before, event.state_after, event.actor) == ("", S.SUBMITTED, Actor.CITIZEN)
    assert applications_for_vacancy(world["vacancy"]).get() == application
    assert applications_for_employer(world["employer"]).get() == application


def test_cv_copy_survives_changes_and_deletion_of_the_cv(world):
    cv = CvFactory(person=world["a"], headline="Prima versione")
    application = do_apply(world["a"], world["vacancy"], cv=cv, by=world["citizen_a"])
    cv.delete()
    application.refresh_from_db()
    assert application.cv is None
    assert application.cv_snapshot["Extensions"]["opensil"]["headline"] == "Prima versione"


def test_one_open_application_per_vacancy_then_again_after_withdrawal(world):
    first = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    with pytest.raises(ValidationError) as info:
        do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    assert info.value.code == "already_applied"
    do_withdraw(first, world["citizen_a"])
    second = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    assert second.pk != first.pk


def test_the_database_itself_refuses_a_second_open_application(world):
    do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            person=world["a"],
            vacancy=world["vacancy"],
            employer=world["employer"],
            state=S.VIEWED,
            state_since=dt.datetime.now(dt.UTC),
        )


def test_closed_or_expired_vacancies_take_no_application(world):
    for vacancy in (VacancyFactory(draft=True), VacancyFactory(expired=True)):
        with pytest.raises(ValidationError) as info:
            do_apply(world["a"], vacancy, by=world["citizen_a"])
        assert info.value.code == "vacancy_closed"


def test_a_cv_of_someone_else_is_refused(world):
    with pytest.raises(ValidationError):
        do_apply(
            world["a"], world["vacancy"], cv=CvFactory(person=world["b"]), by=world["citizen_a"]
        )


def test_a_citizen_cannot_apply_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        do_apply(world["b"], world["vacancy"], by=world["citizen_a"])


def test_operator_applies_on_behalf_of_a_person(world):
    application = do_apply(world["a"], world["vacancy"], by=world["operator_a"])
    assert application.events.get().actor == Actor.OPERATOR


def test_spontaneous_application_one_open_per_employer(world):
    employer = EmployerFactory()
    application = do_apply_spontaneous(world["a"], employer, by=world["citizen_a"])
    assert application.vacancy is None and application.is_spontaneous
    with pytest.raises(ValidationError):
        do_apply_spontaneous(world["a"], employer, by=world["citizen_a"])
    # A spontaneous one does not block applying to the same firm's vacancies.
    do_apply(world["a"], VacancyFactory(employer=employer), by=world["citizen_a"])


def test_spontaneous_application_to_an_inactive_employer_is_refused(world):
    with pytest.raises(ValidationError):
        do_apply_spontaneous(world["a"], EmployerFactory(is_active=False), by=world["citizen_a"])


def test_state_changes_append_events_and_move_the_cache(world):
    recruiter = EmployerUserFactory(member_of=world["employer"])
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    do_mark_viewed(application, recruiter)
    do_change_state(application, S.IN_SELECTION, world["operator_a"], note="Profilo adatto")
    do_change_state(application, S.HIRED, recruiter)
    application.refresh_from_db()
    assert application.state == S.HIRED
    assert list(application.events.values_list("state_after", "actor")) == [
        (S.SUBMITTED, Actor.CITIZEN),
        (S.VIEWED, Actor.EMPLOYER),
        (S.IN_SELECTION, Actor.OPERATOR),
        (S.HIRED, Actor.EMPLOYER),
    ]
    # Once hired, viewing again changes nothing.
    assert do_mark_viewed(application, recruiter) is None


def test_illegal_moves_raise_and_leave_no_trace(world):
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    with pytest.raises(ApplicationTransitionError):
        do_change_state(application, S.HIRED, world["operator_a"])
    with pytest.raises(ApplicationTransitionError):
        do_change_state(application, S.IN_SELECTION, world["citizen_a"])
    assert application.events.count() == 1
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_users_of_another_firm_and_other_citizens_cannot_move_it(world):
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    stranger = EmployerUserFactory(member_of=EmployerFactory())
    with pytest.raises(PermissionDenied):
        do_change_state(application, S.VIEWED, stranger)
    with pytest.raises(PermissionDenied):
        do_withdraw(application, world["citizen_b"])
    with pytest.raises(PermissionDenied):
        do_change_state(application, S.VIEWED, UserFactory(kind="school", mfa=False))


def test_events_are_append_only(world):
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    event = application.events.get()
    with pytest.raises(ProgrammingError), transaction.atomic():
        ApplicationEvent.objects.filter(pk=event.pk).update(note="riscritto")
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM applications_applicationevent WHERE id = %s", [event.pk])


def test_each_event_stores_its_messages_once_each_with_its_outbox_rows(world):
    world["a"].email = "anna@esempio.invalid"
    world["a"].save()
    recruiter = EmployerUserFactory(member_of=world["employer"], email="hr@impresa.invalid")
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    new = ApplicationNotification.objects.get(application=application)
    assert new.kind == "new_application"
    assert new.recipients == ["hr@impresa.invalid"]
    assert world["vacancy"].title in new.subject
    assert world["a"].full_name in new.body

    do_change_state(application, S.IN_SELECTION, recruiter, note="Colloquio martedì")
    changed = ApplicationNotification.objects.get(application=application, kind="state_changed")
    assert changed.recipients == ["anna@esempio.invalid"]
    assert "in selezione" in changed.subject
    assert "Colloquio martedì" in changed.body

    do_withdraw(application, world["citizen_a"])
    kinds = sorted(application.notifications.values_list("kind", flat=True))
    # The citizen is not told of their own withdrawal; the firm is.
    assert kinds == ["new_application", "state_changed", "withdrawn"]
    outbox = OutboxMessage.objects.filter(topic=f"application:{application.pk}")
    assert sorted(outbox.values_list("kind", flat=True)) == [
        "applications.new_application",
        "applications.state_changed",
        "applications.withdrawn",
    ]
    for notification in application.notifications.all():
        assert notification.outbox_messages.count() == 1


def test_vacancy_apply_email_wins_over_the_firms_users(world):
    EmployerUserFactory(member_of=world["employer"])
    vacancy = VacancyFactory(employer=world["employer"], apply_email="selezione@impresa.invalid")
    application = do_apply(world["a"], vacancy, by=world["citizen_a"])
    assert application.notifications.get().recipients == ["selezione@impresa.invalid"]


def test_a_failed_action_leaves_no_message(world):
    do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    before = (ApplicationNotification.objects.count(), OutboxMessage.objects.count())
    with pytest.raises(ValidationError):
        do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    assert (ApplicationNotification.objects.count(), OutboxMessage.objects.count()) == before
