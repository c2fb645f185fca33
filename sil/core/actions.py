"""The scope of every write: `with action(by, "register_person", person=pk): …`.

The permission matrix, one transaction and one audit context naming the action and the acting user, so each app's
`do_*` functions record who did what in the same way. Views, API, CLI and imports call the same
actions; `by` is the acting user (None for the system itself: imports, the worker).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from sil.core.audit import audit_context

# Who acts: a signed-in user, or None when the system acts by itself (import, worker, demo).
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None


def actor_metadata(by: Actor) -> dict[str, Any]:
    """The audit fields naming the acting user (nothing for the system or an anonymous user)."""
    if by is None or not getattr(by, "pk", None):
        return {}
    return {"user": by.pk, "username": by.get_username()}


@contextlib.contextmanager
def action(by: Actor, name: str, **extra: Any) -> Iterator[None]:
    """Run the body in one transaction, under an audit context with the action's name, the
    acting user and `extra` (ids of what it is about). The permission matrix decides first
    whether that user may write at all (a read-only role is refused here, whatever called)."""
    from sil.core.permissions import Action, require

    require(by, Action.WRITE)
    with transaction.atomic(), audit_context(action=name, **extra, **actor_metadata(by)):
        yield
