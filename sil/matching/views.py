"""Operator pages: ranked candidates of a vacancy, with their explanations.

Matching spans the Region: an operator sees every ranked candidate's name, municipality,
competent CPI, score and explanation (what is needed to build a shortlist), and every listed
person is written to the access log. The person page (full record) opens only for people of
the operator's own offices, as everywhere else.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from sil.core.audit import log_access
from sil.core.models import AccessAction
from sil.core.permissions import visible_office_ids
from sil.core.web import operator_required
from sil.matching.actions import do_record_match_run
from sil.matching.forms import CandidateFilterForm
from sil.matching.models import CRITERIA
from sil.matching.queries import rank_candidates_detailed
from sil.people.models import Person
from sil.vacancies.queries import vacancy_for_operator_or_404

CRITERIA_LABELS = {
    "profession": _("Professione"),
    "distance": _("Distanza"),
    "availability": _("Disponibilità"),
    "education": _("Titolo di studio"),
    "languages": _("Lingue"),
    "licences": _("Patenti"),
    "experience": _("Esperienza"),
    "text": _("Parole chiave"),
}
PAGE_LIMIT = 50


def criteria_labels() -> dict[str, str]:
    return {name: str(CRITERIA_LABELS[name]) for name in CRITERIA}


@operator_required
def vacancy_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = vacancy_for_operator_or_404(request, pk)
    form = CandidateFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else CandidateFilterForm().filters()
    started = time.perf_counter()
    ranked = rank_candidates_detailed(vacancy, limit=PAGE_LIMIT, filters=filters)
    elapsed = (time.perf_counter() - started) * 1000
    run = do_record_match_run(
        matches=ranked.matches,
        weights_version=ranked.weights_version,
        user=request.user,
        vacancy_id=vacancy.pk,
        filters=ranked.filters.as_dict(),
        considered=ranked.considered,
        duration_ms=elapsed,
    )
    people = Person.objects.select_related("competent_office").in_bulk(
        [m.person_id for m in ranked.matches]
    )
    log_access(request, list(people.values()), AccessAction.LIST, purpose="matching")
    offices = visible_office_ids(request.user)
    labels = criteria_labels()
    rows: list[dict[str, Any]] = []
    for rank, match in enumerate(ranked.matches, start=1):
        person = people.get(match.person_id)
        if person is None:
            continue
        rows.append(
            {
                "rank": rank,
                "match": match,
                "person": person,
                "in_scope": offices is None or person.competent_office_id in offices,
                "criteria": [
                    {"label": labels[name], **criterion.as_dict()}
                    for name, criterion in match.criteria.items()
                ],
            }
        )
    try:
        shortlist_url = reverse("shortlists:add_candidates", args=[vacancy.pk])
    except NoReverseMatch:
        shortlist_url = ""
    return render(
        request,
        "matching/vacancy_candidates.html",
        {
            "vacancy": vacancy,
            "form": form if form.is_bound else CandidateFilterForm(),
            "rows": rows,
            "ranked": ranked,
            "run": run,
            "shortlist_url": shortlist_url,
        },
    )
