"""Writes on applications. Each `do_*` runs in one transaction with audit context, appends an
event and stores (and defers) the messages the event sends.

Callers scope first (operators see their offices' applications, employers their firm's, citizens
their own); the actions check again who is acting, so a page or API that forgets cannot move
someone else's application.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.accounts.models import UserKind
from sil.applications.machine import ApplicationTransitionError, check_move
from sil.applications.models import (
    Actor,
    Application,
    ApplicationEvent,
    ApplicationState,
)
from sil.applications.notifications import write_notifications
from sil.core.audit import audit_context
from sil.core.permissions import Action, require
from sil.dossier.cv import europass_json
from sil.dossier.models import Cv
from sil.employers.models import Employer, EmployerMembership
from sil.people.models import Person
from sil.vacancies.models import Vacancy, VacancyState


def _audit(by: Any, action: str, **extra: Any) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action, **extra}
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def actor_of(user: Any, application: Application | None = None, *, person: Any = None) -> str:
    """The role in which `user` acts on an application; PermissionDenied if they have none.

    A citizen acts only on their own applications (same fiscal code as the person), an employer
    user only on those of a firm they belong to.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor.SYSTEM
    kind = getattr(user, "kind", "")
    if kind == UserKind.CITIZEN:
        owner = person if person is not None else application.person if application else None
        if owner is None or not user.fiscal_code or user.fiscal_code != owner.fiscal_code:
            raise PermissionDenied
        return Actor.CITIZEN
    if kind == UserKind.EMPLOYER:
        if (
            application is None
            or not EmployerMembership.objects.filter(
                user=user, employer_id=application.employer_id
            ).exists()
        ):
            raise PermissionDenied
        return Actor.EMPLOYER
    if getattr(user, "is_operator", False) or getattr(user, "is_superuser", False):
        return Actor.OPERATOR
    raise PermissionDenied


def _recorder(by: Any) -> dict[str, Any]:
    if by is not None and getattr(by, "pk", None):
        return {"recorded_by_id": by.pk, "recorded_by_name": by.get_username()}
    return {"recorded_by_id": None, "recorded_by_name": ""}


def _check_cv(person: Person, cv: Cv | None) -> None:
    if cv is not None and cv.person_id != person.pk:
        raise ValidationError({"cv": _("Il CV scelto non appartiene alla persona.")}, "cv_owner")


def vacancy_accepts_applications(vacancy: Vacancy) -> bool:
    if vacancy.state != VacancyState.PUBLISHED:
        return False
    return vacancy.expiry_date is None or vacancy.expiry_date >= timezone.localdate()


def _create(
    person: Person,
    employer: Employer,
    vacancy: Vacancy | None,
    cv: Cv | None,
    message: str,
    by: Any,
) -> Application:
    actor = actor_of(by, person=person)
    now = timezone.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                person=person,
                vacancy=vacancy,
                employer=employer,
                cv=cv,
                cv_snapshot=europass_json(cv) if cv is not None else {},
                message=message.strip(),
                state=ApplicationState.SUBMITTED,
                state_since=now,
            )
    except IntegrityError as exc:
        if vacancy is not None:
            text = _("C'è già una candidatura aperta a questa offerta.")
        else:
            text = _("C'è già una candidatura spontanea aperta a questa impresa.")
        raise ValidationError(text, code="already_applied") from exc
    event = ApplicationEvent.objects.create(
        application=application,
        state_before="",
        state_after=ApplicationState.SUBMITTED,
        actor=actor,
        **_recorder(by),
    )
    write_notifications(event)
    return application


def do_apply(
    person: Person,
    vacancy: Vacancy,
    *,
    cv: Cv | None = None,
    message: str = "",
    by: Any = None,
) -> Application:
    """Apply to a published vacancy (one open application per person and vacancy)."""
    _check_cv(person, cv)
    with transaction.atomic(), _audit(by, "apply", person=person.pk, vacancy=vacancy.pk):
        locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        if not vacancy_accepts_applications(locked):
            raise ValidationError(
                _("L'offerta non accetta candidature: non è pubblicata o è scaduta."),
                code="vacancy_closed",
            )
        return _create(person, locked.employer, locked, cv, message, by)


def do_apply_spontaneous(
    person: Person,
    employer: Employer,
    *,
    cv: Cv | None = None,
    message: str = "",
    by: Any = None,
) -> Application:
    """A spontaneous application to an employer (one open per person and employer)."""
    _check_cv(person, cv)
    if not employer.is_active:
        raise ValidationError(_("L'impresa non è più attiva."), code="employer_inactive")
    with transaction.atomic(), _audit(by, "apply_spontaneous", person=person.pk):
        return _create(person, employer, None, cv, message, by)


def do_change_state(
    application: Application, to_state: str, user: Any, *, note: str = ""
) -> ApplicationEvent:
    """Move the application to `to_state` if the table allows it for the user's role."""
    actor = actor_of(user, application)
    with transaction.atomic(), _audit(user, "change_application_state", application=application.pk):
        locked = Application.objects.select_for_update().get(pk=application.pk)
        check_move(locked.state, to_state, actor)
        now = timezone.now()
        event = ApplicationEvent.objects.create(
            application=locked,
            state_before=locked.state,
            state_after=to_state,
            actor=actor,
            note=note.strip(),
            **_recorder(user),
        )
        locked.state = to_state
        locked.state_since = now
        locked.save(update_fields=["state", "state_since", "updated_at"])
        application.state, application.state_since = locked.state, locked.state_since
        application.updated_at = locked.updated_at
        write_notifications(event)
    return event


def do_withdraw(application: Application, user: Any, *, note: str = "") -> ApplicationEvent:
    return do_change_state(application, ApplicationState.WITHDRAWN, user, note=note)


def do_mark_viewed(application: Application, user: Any) -> ApplicationEvent | None:
    """The employer (or operator) opened a submitted application; later states are kept."""
    if application.state != ApplicationState.SUBMITTED:
        return None
    try:
        return do_change_state(application, ApplicationState.VIEWED, user)
    except ApplicationTransitionError:  # moved meanwhile by someone else
        return None


def do_get_or_create_citizen_user(person: Person) -> Any:
    """The citizen account bound to `person` by fiscal code, created on first sign-in.

    The account has no password: citizens sign in through an identity provider (SPID/CIE; in
    demo mode the demo sign-in). Its e-mail is a placeholder: messages go to the registry's.
    """
    from sil.accounts.models import User

    with transaction.atomic(), audit_context(action="citizen_sign_in", person=person.pk):
        user = User.objects.filter(fiscal_code=person.fiscal_code, kind=UserKind.CITIZEN).first()
        if user is not None:
            if not user.is_active:
                raise PermissionDenied
            return user
        if User.objects.filter(fiscal_code=person.fiscal_code).exists():
            raise PermissionDenied  # an operator or employer account: never turned into a citizen
        code = person.fiscal_code.lower()
        user = User(
            username=f"cittadino-{code}",
            email=f"{code}@cittadini.invalid",
            kind=UserKind.CITIZEN,
            fiscal_code=person.fiscal_code,
            first_name=person.first_name,
            last_name=person.last_name,
        )
        user.set_unusable_password()
        user.save()
        return user
