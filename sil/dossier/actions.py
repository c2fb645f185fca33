"""Writes on the dossier. Each `do_*` runs in one transaction with audit context.

The sections share one shape (a row per item, owned by a person), so the named actions are thin
wrappers around `do_add_entry`, `do_update_entry` and `do_remove_entry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from django.db import transaction

from sil.classifications.models import ContractType
from sil.core.audit import audit_context
from sil.core.permissions import Action, require
from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    ItSkill,
    LanguageSkill,
    OtherLicence,
    PersonSection,
    TrainingCourse,
    WorkExperience,
)
from sil.people.models import Person

S = TypeVar("S", bound=PersonSection)


def _audit(by: Any, action: str, **extra: Any) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action, **extra}
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def _editable(model: type[PersonSection]) -> list[str]:
    skip = {"id", "person", "created_at", "updated_at"}
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and not f.many_to_many and f.name not in skip
    ]


def _assign(entry: PersonSection, data: Mapping[str, Any]) -> None:
    for name in _editable(type(entry)):
        if name in data:
            setattr(entry, name, data[name])
    # Raises ValidationError with per-field Italian messages; constraints checked too.
    entry.full_clean(validate_unique=True, validate_constraints=True)


def do_add_entry(model: type[S], person: Person, data: Mapping[str, Any], *, by: Any = None) -> S:
    """Add one row to a dossier section of `person`."""
    entry = model(person=person)
    _assign(entry, data)
    with transaction.atomic(), _audit(by, f"add_{model._meta.model_name}", person=person.pk):
        entry.save()
    return entry


def do_update_entry(entry: S, data: Mapping[str, Any], *, by: Any = None) -> S:
    """Change a row; fields missing from `data` keep their value. The person never changes."""
    data = {name: value for name, value in data.items() if name != "person"}
    with (
        transaction.atomic(),
        _audit(by, f"update_{entry._meta.model_name}", person=entry.person_id),
    ):
        locked = type(entry).objects.select_for_update().get(pk=entry.pk)
        _assign(locked, data)
        locked.save()
    entry.refresh_from_db()
    return entry


def do_remove_entry(entry: PersonSection, *, by: Any = None) -> None:
    with (
        transaction.atomic(),
        _audit(by, f"remove_{entry._meta.model_name}", person=entry.person_id),
    ):
        entry.delete()


def do_add_education(person: Person, data: Mapping[str, Any], *, by: Any = None) -> Education:
    return do_add_entry(Education, person, data, by=by)


def do_add_training_course(
    person: Person, data: Mapping[str, Any], *, by: Any = None
) -> TrainingCourse:
    return do_add_entry(TrainingCourse, person, data, by=by)


def do_add_work_experience(
    person: Person, data: Mapping[str, Any], *, by: Any = None
) -> WorkExperience:
    return do_add_entry(WorkExperience, person, data, by=by)


def do_add_language_skill(
    person: Person, data: Mapping[str, Any], *, by: Any = None
) -> LanguageSkill:
    return do_add_entry(LanguageSkill, person, data, by=by)


def do_add_it_skill(person: Person, data: Mapping[str, Any], *, by: Any = None) -> ItSkill:
    return do_add_entry(ItSkill, person, data, by=by)


def do_add_driving_licence(
    person: Person, data: Mapping[str, Any], *, by: Any = None
) -> DrivingLicence:
    return do_add_entry(DrivingLicence, person, data, by=by)


def do_add_other_licence(
    person: Person, data: Mapping[str, Any], *, by: Any = None
) -> OtherLicence:
    return do_add_entry(OtherLicence, person, data, by=by)


# Every section updates and removes the same way.
do_update_education = do_update_training_course = do_update_work_experience = do_update_entry
do_update_language_skill = do_update_it_skill = do_update_entry
do_update_driving_licence = do_update_other_licence = do_update_entry
do_remove_education = do_remove_training_course = do_remove_work_experience = do_remove_entry
do_remove_language_skill = do_remove_it_skill = do_remove_entry
do_remove_driving_licence = do_remove_other_licence = do_remove_entry


def do_set_availability(
    person: Person,
    data: Mapping[str, Any],
    *,
    contract_types: Iterable[ContractType] | None = None,
    by: Any = None,
) -> Availability:
    """Create or replace the person's availability (one per person)."""
    with transaction.atomic(), _audit(by, "set_availability", person=person.pk):
        availability = Availability.objects.select_for_update().filter(
            person=person
        ).first() or Availability(person=person)
        _assign(availability, data)
        availability.save()
        if contract_types is not None:
            availability.contract_types.set(list(contract_types))
    return availability
