"""Reads of the registry used by other apps (they never query Person directly)."""

from __future__ import annotations

from typing import Any

from sil.core import fiscal_code as cf
from sil.people.models import Person, PersonQuerySet, fiscal_code_base


def people_for_operator(user: Any) -> PersonQuerySet:
    """The people the operator may see (scoped by office)."""
    return Person.objects.for_operator(user)


def person_by_fiscal_code(code: str, *, user: Any = None) -> Person | None:
    """The person with this fiscal code; with `user`, only if the operator may see it."""
    people = Person.objects.all() if user is None else Person.objects.for_operator(user)
    return people.filter(fiscal_code=cf.normalise(code)).first()


def people_sharing_base_code(code: str) -> PersonQuerySet:
    """Everyone whose code is an omocodic variant of this one (the code's own holder too).

    Different people may legitimately share a base: use it to find candidates, never to merge.
    """
    code = cf.normalise(code)
    if not cf.is_valid(code):
        return Person.objects.none()
    # One probe of the base-code index rather than a list of the 128 variants.
    people: PersonQuerySet = Person.objects.alias(code_base=fiscal_code_base("fiscal_code")).filter(
        code_base=cf.base_code(code)[:15]
    )
    return people
