"""How other apps' operator pages reach a person: scoped, with refused attempts logged."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.people.models import Person


def person_or_404(request: HttpRequest, pk: int, people: QuerySet[Person] | None = None) -> Person:
    """The person if the operator's offices cover it; otherwise 404, and the attempt is logged
    (the person can later see who tried)."""
    scoped = people if people is not None else Person.objects.all()
    person = scoped.for_operator(request.user).filter(pk=pk).first()  # type: ignore[attr-defined]
    if person is None:
        outside = Person.objects.filter(pk=pk).first()
        if outside is not None:
            log_access(request, outside, AccessAction.DENIED)
        raise Http404
    return person  # type: ignore[no-any-return]


def person_breadcrumbs(
    person: Person, *last: tuple[str, str | None]
) -> list[tuple[str, str | None]]:
    """Scrivania / Persone / <person> / …: the trail of every page about one person."""
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Persone"), reverse("people:person_list")),
        (person.full_name, reverse("people:person_detail", args=[person.pk])),
        *last,
    ]
