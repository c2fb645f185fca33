import datetime as dt

import factory

from sil.services.models import Policy, Profiling, ServicePact
from tests.factories import PersonFactory


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    person = factory.SubFactory(PersonFactory)
    activity_type = "A02"
    title = "Orientamento specialistico"
    promoter_code = "H501X000004"
    promoter = "Regione Lazio"
    proposal_date = dt.date(2017, 1, 1)
    start_date = dt.date(2017, 1, 10)
    end_date = dt.date(2017, 3, 31)


class ProfilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profiling

    person = factory.SubFactory(PersonFactory)
    index = "0.73210"
    profiling_class = "3"
    model_version = "GOL-2022"
    profiled_on = dt.date(2024, 2, 1)


class ServicePactFactory(factory.django.DjangoModelFactory):
    """A draft Patto (written directly; use sil.services.pacts to freeze and sign it)."""

    class Meta:
        model = ServicePact

    person = factory.SubFactory(PersonFactory)
    office = factory.SelfAttribute("person.competent_office")
    job_search_actions = "Due candidature al mese."
    meeting_frequency = "Ogni 30 giorni"
    search_proof = "Copia delle candidature."
    availability = "Disponibile a formazione e offerte congrue."
    valid_from = dt.date(2026, 11, 22)
