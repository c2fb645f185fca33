"""Factories of the dossier and of the classification rows it points to."""

from __future__ import annotations

import datetime as dt

import factory

from sil.classifications.models import (
    ContractType,
    EconomicActivity,
    EducationLevel,
    LanguageLevel,
    Profession,
)
from sil.dossier.models import Education, LanguageSkill, WorkExperience
from tests.factories import PersonFactory


class EducationLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationLevel
        django_get_or_create = ("code",)

    code = "40"
    name = "Diploma di istruzione secondaria superiore"
    position = 40


class ContractTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractType
        django_get_or_create = ("code",)

    code = "A.01.00"
    name = "Lavoro a tempo indeterminato"


class EconomicActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EconomicActivity
        django_get_or_create = ("edition", "code")

    edition = "2025"
    code = "47.11.10"
    level = "sottocategoria"
    name = "Ipermercati"


class ProfessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profession
        django_get_or_create = ("system", "code")

    system = "cp2021"
    code = "5.1.2.2.0"
    level = 5
    name = "Commessi delle vendite al minuto"


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Education

    person = factory.SubFactory(PersonFactory)
    level = factory.SubFactory(EducationLevelFactory)
    title = "Diploma di ragioniere"
    institution = "ITC Vesuvio"
    year = 2001


class WorkExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkExperience

    person = factory.SubFactory(PersonFactory)
    employer_name = "Supermercati Partenopei srl"
    employer_fiscal_code = "01234567890"
    economic_activity = factory.SubFactory(EconomicActivityFactory)
    profession = factory.SubFactory(ProfessionFactory)
    contract_type = factory.SubFactory(ContractTypeFactory)
    start_date = dt.date(2015, 3, 1)
    end_date = dt.date(2019, 6, 30)
    weekly_hours = 38


class LanguageSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageSkill

    person = factory.SubFactory(PersonFactory)
    language = "en"
    understanding = factory.LazyFunction(lambda: LanguageLevel.objects.get(code="B2"))
    speaking = factory.LazyFunction(lambda: LanguageLevel.objects.get(code="B1"))
    writing = factory.LazyFunction(lambda: LanguageLevel.objects.get(code="B1"))
