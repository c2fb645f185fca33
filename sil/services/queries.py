"""Reads of services used by pages, panels, exports and other apps."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from sil.people.models import Person
from sil.services.models import GolAssessment, Policy, PolicyEvent, Profiling


def policies_of(person: Person | int) -> list[Policy]:
    """The person's policies, newest first, each with its events (two queries)."""
    events = PolicyEvent.objects.select_related("code").order_by("date", "id")
    return list(
        Policy.objects.filter(person=person)
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-proposal_date", "-id")
    )


def latest_profiling(person: Person | int) -> Profiling | None:
    return Profiling.objects.filter(person=person).order_by("-profiled_on", "-id").first()


def latest_gol_assessment(person: Person | int) -> GolAssessment | None:
    return (
        GolAssessment.objects.filter(person=person)
        .select_related("path", "operator")
        .order_by("-decided_on", "-id")
        .first()
    )


def services_of(person: Person | int) -> dict[str, Any]:
    return {
        "policies": policies_of(person),
        "profiling": latest_profiling(person),
        "gol_assessment": latest_gol_assessment(person),
    }
