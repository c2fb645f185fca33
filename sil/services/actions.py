"""Writes on policies, policy events, profiling and GOL assessments. One transaction each.

Profiling is stored as received from the national node: `do_record_profiling` keeps what it is
given and nothing here computes an index.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sil.core.audit import audit_context
from sil.core.permissions import Action, require
from sil.people.models import Person
from sil.services.models import GolAssessment, Policy, PolicyEvent, Profiling

POLICY_FIELDS = (
    "activity_type",
    "title",
    "promoter_code",
    "promoter",
    "proposal_date",
    "start_date",
    "end_date",
    "policy_id",
)


def _audit(by: Any, action: str, **extra: Any) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action, **extra}
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def _set(obj: Any, data: Mapping[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name in data:
            setattr(obj, name, data[name])


def _check_events(policy: Policy) -> None:
    """Changing a policy's dates must not break the date rule of its recorded events."""
    problems = []
    for event in policy.events.select_related("code"):
        event.policy = policy
        try:
            event.clean()
        except ValidationError as exc:
            problems.extend(exc.message_dict.get("date", []))
    if problems:
        raise ValidationError(
            {
                "__all__": ValidationError(
                    _("Le date non concordano con gli eventi già registrati: %(problems)s")
                    % {"problems": " ".join(problems)},
                    code="events_disagree",
                )
            }
        )


def do_add_policy(person: Person, data: Mapping[str, Any], *, by: Any = None) -> Policy:
    policy = Policy(person=person)
    _set(policy, data, POLICY_FIELDS)
    policy.full_clean()
    with transaction.atomic(), _audit(by, "add_policy", person=person.pk):
        policy.save()
    return policy


def do_update_policy(policy: Policy, data: Mapping[str, Any], *, by: Any = None) -> Policy:
    with transaction.atomic(), _audit(by, "update_policy", person=policy.person_id):
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        _set(locked, data, POLICY_FIELDS)
        locked.full_clean()
        _check_events(locked)
        locked.save()
    policy.refresh_from_db()
    return policy


def do_remove_policy(policy: Policy, *, by: Any = None) -> None:
    with transaction.atomic(), _audit(by, "remove_policy", person=policy.person_id):
        policy.delete()


def do_add_policy_event(policy: Policy, data: Mapping[str, Any], *, by: Any = None) -> PolicyEvent:
    """Append an event; its date must match the policy date its code names (SAP rule)."""
    event = PolicyEvent(policy=policy)
    _set(event, data, ("code", "date"))
    event.full_clean()
    with transaction.atomic(), _audit(by, "add_policy_event", person=policy.person_id):
        event.save()
    return event


def do_remove_policy_event(event: PolicyEvent, *, by: Any = None) -> None:
    with transaction.atomic(), _audit(by, "remove_policy_event", person=event.policy.person_id):
        event.delete()


def do_record_profiling(person: Person, data: Mapping[str, Any], *, by: Any = None) -> Profiling:
    """Store a profiling as received (index, class, model version, date, source)."""
    profiling = Profiling(person=person)
    _set(profiling, data, ("index", "profiling_class", "model_version", "profiled_on", "source"))
    profiling.full_clean()
    with transaction.atomic(), _audit(by, "record_profiling", person=person.pk):
        profiling.save()
    return profiling


def do_assess_gol(person: Person, data: Mapping[str, Any], *, by: Any = None) -> GolAssessment:
    """Record the operator's GOL pathway decision (an override needs its reason)."""
    assessment = GolAssessment(
        person=person, operator=by if getattr(by, "pk", None) else data.get("operator")
    )
    _set(assessment, data, ("path", "profiling", "decided_on", "override", "override_reason"))
    if assessment.profiling is not None and assessment.profiling.person_id != person.pk:
        raise ValidationError({"profiling": _("La profilazione indicata è di un'altra persona.")})
    assessment.full_clean()
    with transaction.atomic(), _audit(by, "assess_gol", person=person.pk):
        assessment.save()
    return assessment
