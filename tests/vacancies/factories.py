"""Factories for vacancies (and the firms and classifications they need).

employer = EmployerFactory()                       # a firm in Napoli
VacancyFactory(employer=employer)                  # a draft, complete enough to publish cleanly
VacancyFactory(published=True)                     # on the job board since today
VacancyFactory(discriminatory=True)                # wording the quality check flags
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from sil.classifications.models import ContractType, LanguageLevel, Profession
from sil.employers.models import EmployerMembership
from sil.vacancies.models import Vacancy, VacancyState
from tests.employers.factories import EmployerFactory
from tests.factories import UserFactory


class EmployerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerMembership

    user = factory.SubFactory(UserFactory, employer=True, mfa=True)
    employer = factory.SubFactory(EmployerFactory)


class ProfessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profession
        django_get_or_create = ("system", "code")

    system = "cp2011"
    code = factory.Sequence(lambda n: f"9.9.{n // 10 % 10}.{n % 10}.0")
    level = 5
    name = factory.Sequence(lambda n: f"Professione di prova {n}")


def contract_type(code: str = "A.01.00") -> ContractType:
    return ContractType.objects.get_or_create(code=code, defaults={"name": f"Contratto {code}"})[0]


def language_level(code: str = "B2") -> LanguageLevel:
    return LanguageLevel.objects.get_or_create(code=code, defaults={"name": code})[0]


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"Magazziniere/a {n}")
    description = (
        "Gestione del magazzino, carico e scarico merci, uso del transpallet. "
        "Contratto a tempo indeterminato, CCNL commercio."
    )
    profession = factory.SubFactory(ProfessionFactory)
    municipality = factory.SelfAttribute("employer.municipality")
    contract_type = factory.LazyFunction(contract_type)
    pay_min = Decimal("22000")
    pay_max = Decimal("26000")
    expiry_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    state = VacancyState.DRAFT

    class Params:
        published = factory.Trait(
            state=VacancyState.PUBLISHED,
            publication_date=factory.LazyFunction(dt.date.today),
        )
        discriminatory = factory.Trait(
            description="Cercasi ragazza max 30 anni, bella presenza, solo italiane.",
        )
