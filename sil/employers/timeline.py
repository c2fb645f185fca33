"""One chronological view of everything that happened to an employer.

Each app registers a source in its AppConfig.ready() (the registry's `timelines` store,
subject "employer"): a function returning the employer's events (vacancies, shortlists and
outcomes from their apps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from sil.core.registry import TimelineEvent, TimelineSource, registry
from sil.core.registry import timeline as subject_timeline

if TYPE_CHECKING:
    from sil.employers.models import Employer

__all__ = ["SUBJECT", "TimelineEvent", "register_source", "timeline"]

SUBJECT = "employer"


def register_source(name: str, source: Callable[[Any], Iterable[TimelineEvent]]) -> None:
    registry.timelines.register(TimelineSource(SUBJECT, name, source))


def timeline(employer: Employer) -> list[TimelineEvent]:
    """Newest first."""
    return subject_timeline(SUBJECT, employer)


# The employers app's own events ---------------------------------------------------------------


def own_prefetches() -> list[Prefetch[Any]]:
    """What this app's sources read, in the order the employer page shows it."""
    from sil.employers.models import DirectoryConsent, EmployerMembership, EmployerSite

    return [
        Prefetch(
            "sites",
            queryset=EmployerSite.objects.select_related("municipality").order_by(
                "-is_active", "name", "id"
            ),
        ),
        Prefetch(
            "memberships",
            queryset=EmployerMembership.objects.select_related("user", "invitation").order_by(
                "user__last_name", "user__first_name", "id"
            ),
        ),
        Prefetch(
            "directory_consents",
            queryset=DirectoryConsent.objects.select_related("by").order_by("-at", "-id"),
        ),
    ]


def prefetch(employer: Employer) -> Employer:
    """Load the relations this app's sources read, once."""
    prefetch_related_objects([employer], *own_prefetches())
    return employer


# Plain .all(): the employer page prefetches these relations (with their related rows) for
# its own sections, and the timeline reuses them; the order comes from timeline().


def registration_events(employer: Employer) -> list[TimelineEvent]:
    return [TimelineEvent(at=employer.created_at, kind="registration", title=_("Registrazione"))]


def consent_events(employer: Employer) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=consent.at,
            kind="directory_consent",
            title=_("Consenso all'elenco delle imprese prestato")
            if consent.given
            else _("Consenso all'elenco delle imprese revocato"),
        )
        for consent in employer.directory_consents.all()
    ]


def site_events(employer: Employer) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=site.created_at,
            kind="site",
            title=_("Nuova sede operativa"),
            detail=f"{site.name} — {site.municipality}",
        )
        for site in employer.sites.all()
    ]


def user_events(employer: Employer) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=membership.created_at,
            kind="employer_user",
            title=_("Nuovo utente dell'area imprese"),
            detail=f"{membership.user.get_full_name()} ({membership.get_role_display()})",
        )
        for membership in employer.memberships.all()
    ]
