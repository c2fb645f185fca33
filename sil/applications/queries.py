"""Reads of applications other apps use (shortlists, employer area, person page)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from sil.applications.models import Application, ApplicationEvent, ApplicationQuerySet
from sil.employers.models import Employer
from sil.people.models import Person
from sil.vacancies.models import Vacancy


def applications_for_vacancy(vacancy: Vacancy | int) -> ApplicationQuerySet:
    """Every application to the vacancy, newest first, with person and CV loaded."""
    return Application.objects.for_list().filter(vacancy=vacancy).order_by("-created_at", "-id")


def applications_for_employer(employer: Employer | int) -> ApplicationQuerySet:
    """Applications a firm received: to its vacancies and spontaneous ones, newest first."""
    return Application.objects.for_list().filter(employer=employer).order_by("-created_at", "-id")


def applications_of_person(person: Person | int) -> ApplicationQuerySet:
    return Application.objects.for_list().for_person(person).order_by("-created_at", "-id")


def with_events(applications: ApplicationQuerySet) -> ApplicationQuerySet:
    return applications.prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "id"))
    )


def operator_applications(user: Any) -> ApplicationQuerySet:
    """The applications an operator may see (vacancy office, person's CPI, employer's CPI)."""
    return Application.objects.for_operator(user).for_list()
