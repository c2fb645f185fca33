"""Factories for applications tests: employers, vacancies, CVs (rows written directly).

Applications themselves are made through the actions (do_apply…), so their events and
notifications exist as in real use.
"""

from __future__ import annotations

import datetime as dt

import factory

from sil.accounts.models import UserKind
from sil.dossier.models import Cv
from sil.employers.models import EmployerMembership
from sil.vacancies.models import Vacancy, VacancyState
from tests.dossier.factories import ProfessionFactory
from tests.employers.factories import EmployerFactory
from tests.factories import PersonFactory, UserFactory


class EmployerUserFactory(UserFactory):
    """An employer user with a membership of `employer`."""

    kind = UserKind.EMPLOYER
    mfa = False

    @factory.post_generation
    def member_of(self, create, extracted, **kwargs):
        if create and extracted is not None:
            EmployerMembership.objects.create(user=self, employer=extracted)


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"Addetto alle vendite {n}")
    description = "Vendita al banco e gestione del magazzino."
    profession = factory.SubFactory(ProfessionFactory)
    municipality = factory.SelfAttribute("employer.municipality")
    state = VacancyState.PUBLISHED
    publication_date = factory.LazyFunction(dt.date.today)
    expiry_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))

    class Params:
        draft = factory.Trait(state=VacancyState.DRAFT, publication_date=None)
        expired = factory.Trait(
            publication_date=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=60)),
            expiry_date=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1)),
        )


class CvFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cv

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"CV {n}")
    headline = "Addetto alle vendite"
    summary = "Dieci anni nella grande distribuzione."
    selection = factory.LazyFunction(dict)


def citizen_for(person) -> object:
    """A citizen user bound to `person` by fiscal code."""
    return UserFactory(citizen=True, fiscal_code=person.fiscal_code)
