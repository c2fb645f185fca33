"""Reversible merge of a duplicate person into a survivor.

Every relation pointing to Person (found through Person._meta.related_objects, so the DID,
dossier and services apps are covered without people importing them) has its rows moved to the
survivor with one UPDATE each; the ids moved are written in a PersonMerge record, and undoing
moves exactly those rows back. The merged person is never deleted: `merged_into` hides it from
the operators' lists and searches.
"""

from __future__ import annotations

from typing import Any

import pghistory.models
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core.actions import action
from sil.people.models import Person, PersonMerge

Relation = tuple[type[models.Model], models.ForeignKey[Any, Any]]


def person_relations() -> list[Relation]:
    """(model, field) of every foreign key or one-to-one pointing to Person, history and merge
    records excluded."""
    relations: list[Relation] = []
    for related in Person._meta.related_objects:
        model = related.related_model
        field = related.field
        if related.many_to_many or not isinstance(field, models.ForeignKey):
            continue
        if model in (PersonMerge, Person) or issubclass(model, pghistory.models.Event):
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        relations.append((model, field))
    return sorted(relations, key=lambda item: (item[0]._meta.label_lower, item[1].name))


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)


def _unique_sets(model: type[models.Model], field: models.Field[Any, Any]) -> list[Any]:
    """(other fields, condition) for each uniqueness rule that includes `field`."""
    rules: list[tuple[list[str], Q | None]] = []
    if field.unique:  # one-to-one or unique foreign key
        rules.append(([], None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields:
            others = [name for name in constraint.fields if name != field.name]
            rules.append((others, constraint.condition))
    for together in model._meta.unique_together:
        if field.name in together:
            rules.append(([name for name in together if name != field.name], None))
    return rules


def _conflicts(survivor: Person, duplicate: Person) -> list[str]:
    """The relations whose uniqueness rules the move would break, as messages."""
    problems = []
    for model, field in person_relations():
        manager = model._base_manager
        for others, condition in _unique_sets(model, field):
            kept = manager.filter(**{field.name: survivor})
            moving = manager.filter(**{field.name: duplicate})
            if condition is not None:
                kept, moving = kept.filter(condition), moving.filter(condition)
            if others:
                kept_keys = {tuple(row) for row in kept.values_list(*others)}
                clash = any(
                    None not in row and tuple(row) in kept_keys
                    for row in moving.values_list(*others)
                )
            else:
                clash = kept.exists() and moving.exists()
            if clash:
                problems.append(
                    _(
                        "Entrambe le persone hanno dati di tipo «%(relation)s» che non possono "
                        "coesistere sulla stessa persona: correggerli prima dell'unione."
                    )
                    % {"relation": _label(model)}
                )
                break
    return problems


def do_merge_people(
    survivor: Person, duplicate: Person, *, by: Any = None, reason: str = ""
) -> PersonMerge:
    """Move every row of `duplicate` to `survivor` and mark `duplicate` as merged into it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indicare il motivo dell'unione.")}, code="required")
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Una persona non può essere unita a se stessa."), code="self")
    with action(by, "merge_people"):
        locked = Person.objects.select_for_update().in_bulk([survivor.pk, duplicate.pk])
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        if duplicate.merged_into_id is not None:
            raise ValidationError(
                _("La persona %(name)s è già stata unita a un'altra.")
                % {"name": duplicate.full_name},
                code="already_merged",
            )
        if survivor.merged_into_id is not None:
            raise ValidationError(
                _("La persona %(name)s è stata unita a un'altra: sceglierne una attiva.")
                % {"name": survivor.full_name},
                code="survivor_merged",
            )
        problems = _conflicts(survivor, duplicate)
        if problems:
            raise ValidationError([ValidationError(text, code="conflict") for text in problems])
        moved = []
        try:
            with transaction.atomic():
                for model, field in person_relations():
                    rows = model._base_manager.filter(**{field.name: duplicate})
                    ids = sorted(rows.values_list("pk", flat=True))
                    if not ids:
                        continue
                    model._base_manager.filter(pk__in=ids).update(**{field.name: survivor})
                    moved.append(
                        {"model": model._meta.label_lower, "field": field.name, "ids": ids}
                    )
        except IntegrityError as exc:
            raise ValidationError(
                _("L'unione violerebbe un vincolo dei dati collegati: %(detail)s")
                % {"detail": str(exc).splitlines()[0]},
                code="conflict",
            ) from exc
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into", "updated_at"])
        return PersonMerge.objects.create(
            survivor=survivor,
            merged=duplicate,
            moved=moved,
            reason=reason,
            merged_by=by if getattr(by, "pk", None) else None,
        )


def do_undo_merge(merge: PersonMerge, *, by: Any = None) -> PersonMerge:
    """Move the recorded rows back to the merged person and make it visible again."""
    models_by_label = {model._meta.label_lower: model for model, _field in person_relations()}
    with action(by, "undo_merge_people"):
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError(_("Questa unione è già stata annullata."), code="already_undone")
        merged = Person.objects.select_for_update().get(pk=merge.merged_id)
        try:
            with transaction.atomic():
                for entry in merge.moved:
                    model = models_by_label.get(entry["model"])
                    if model is None:
                        raise ValidationError(
                            _("I dati di tipo %(model)s non esistono più: impossibile annullare.")
                            % {"model": entry["model"]},
                            code="missing_relation",
                        )
                    model._base_manager.filter(
                        pk__in=entry["ids"], **{entry["field"]: merge.survivor_id}
                    ).update(**{entry["field"]: merged})
        except IntegrityError as exc:
            raise ValidationError(
                _("L'annullamento violerebbe un vincolo dei dati collegati: %(detail)s")
                % {"detail": str(exc).splitlines()[0]},
                code="conflict",
            ) from exc
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        merge.undone_at = timezone.now()
        merge.undone_by = by if getattr(by, "pk", None) else None
        merge.save(update_fields=["undone_at", "undone_by"])
        return merge
