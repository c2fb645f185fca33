"""Factories for offices and operators (with memberships and, optionally, TOTP)."""

from __future__ import annotations

import itertools

import factory
import pyotp
from allauth.mfa.totp.internal.auth import TOTP

from sil.accounts.models import Membership, Role, User, UserKind
from sil.territory.models import Office, OfficeKind

PASSWORD = "Correct-Horse-Battery-42"

_emails = itertools.count(1)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    kind = OfficeKind.CPI
    code = factory.Sequence(lambda n: f"CPI{n:04d}")
    name = factory.Sequence(lambda n: f"Centro per l'Impiego n. {n}")

    class Params:
        region = factory.Trait(
            kind=OfficeKind.REGION,
            code=factory.Sequence(lambda n: f"REG{n:03d}"),
            name="Direzione regionale lavoro",
        )


def make_operator(
    *,
    role: str | None = Role.CPI_OPERATOR,
    office: Office | None = None,
    totp: bool = False,
    email: str | None = None,
    **fields: object,
) -> tuple[User, str | None]:
    """An operator with one membership; returns (user, TOTP secret or None)."""
    email = email or f"operatore{next(_emails)}@cpi.example.it"
    values: dict[str, object] = {
        "username": email,
        "email": email,
        "first_name": "Maria",
        "last_name": "Bianchi",
        "kind": UserKind.OPERATOR,
        **fields,
    }
    user = User(**values)
    user.set_password(PASSWORD)
    user.save()
    if role is not None:
        Membership.objects.create(user=user, office=office or OfficeFactory(), role=role)
    secret = None
    if totp:
        secret = pyotp.random_base32()
        TOTP.activate(user, secret)
    return user, secret
