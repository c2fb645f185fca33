"""Factories of the employers app.

employer = EmployerFactory()                          # a firm with a valid partita IVA
EmployerFactory(sole_trader=True)                     # a 16-character personal codice fiscale
EmployerFactory(listed=True)                          # in the public directory
site = EmployerSiteFactory(employer=employer)
user = employer_user(employer)                        # an admin of the firm, with TOTP
user = employer_user(employer, role="recruiter", mfa=False)
activity = ateco("62.10.00")                          # an ATECO 2025 leaf with its ancestors
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from sil.accounts.models import User
from sil.classifications.models import EconomicActivity
from sil.core import fiscal_code as cf
from sil.employers.codes import make_vat_number
from sil.employers.models import Employer, EmployerMembership, EmployerRole, EmployerSite
from tests.factories import MunicipalityFactory, UserFactory


def _sole_trader_code(n: int) -> str:
    return cf.encode(
        last_name="Rossi",
        first_name="Mario",
        sex="M",
        birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=n),
        cadastral_code="F839",
    )


class EmployerFactory(factory.django.DjangoModelFactory):
    """A firm written directly (no action): valid codes, a municipality, no office."""

    class Meta:
        model = Employer

    fiscal_code = factory.Sequence(lambda n: make_vat_number(1000 + n, 63))
    vat_number = factory.SelfAttribute("fiscal_code")
    name = factory.Sequence(lambda n: f"Impresa di prova {n} S.r.l.")
    legal_form = "S.r.l."
    municipality = factory.SubFactory(MunicipalityFactory)
    email = factory.Sequence(lambda n: f"info{n}@impresa.example.it")
    is_active = True

    class Params:
        sole_trader = factory.Trait(
            fiscal_code=factory.Sequence(_sole_trader_code),
            vat_number=factory.Sequence(lambda n: make_vat_number(500000 + n, 63)),
            legal_form="ditta individuale",
        )
        listed = factory.Trait(
            directory_consent=True, directory_consent_at=factory.LazyFunction(timezone.now)
        )
        ceased = factory.Trait(is_active=False)


class EmployerSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerSite

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Sede {n}")
    municipality = factory.SelfAttribute("employer.municipality")


def employer_user(
    employer: Employer, *, role: str = EmployerRole.ADMIN, mfa: bool = True, **fields: Any
) -> User:
    """An employer user of `employer` (with TOTP unless mfa=False)."""
    user = UserFactory(employer=True, mfa=mfa, **fields)
    EmployerMembership.objects.create(user=user, employer=employer, role=role)
    return user


def ateco(code: str = "62.10.00", edition: str = "2025", section: str = "K") -> EconomicActivity:
    """An ATECO leaf and its ancestors (section → division → group → class → category)."""
    levels = ["section", "division", "group", "class", "category", "subcategory"]
    parts = code.split(".")
    codes = [section, parts[0], f"{parts[0]}.{parts[1][0]}", f"{parts[0]}.{parts[1]}"]
    if len(parts) > 2:
        codes += [f"{parts[0]}.{parts[1]}.{parts[2][0]}", code]
    parent = None
    node = None
    for level, node_code in zip(levels, codes, strict=False):
        node, _ = EconomicActivity.objects.get_or_create(
            edition=edition,
            code=node_code,
            defaults={"level": level, "name": f"Attività {node_code}", "parent": parent},
        )
        parent = node
    assert node is not None
    return node
