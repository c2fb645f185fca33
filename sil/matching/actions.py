"""Writes of the matching app: the record of a ranked list (who ran it, weights, results)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from sil.core.audit import audit_context
from sil.matching.models import MatchResult, MatchRun
from sil.matching.scoring import Match


def do_record_match_run(
    *,
    matches: Sequence[Match],
    weights_version: str,
    user: Any = None,
    vacancy_id: int | None = None,
    person_id: int | None = None,
    filters: dict[str, Any] | None = None,
    considered: int = 0,
    duration_ms: float = 0.0,
    purpose: str = "operator_list",
) -> MatchRun:
    """Keep a ranked list as it was shown, for audit and for the shortlist that follows."""
    with transaction.atomic(), audit_context(action="record_match_run"):
        run = MatchRun.objects.create(
            vacancy_id=vacancy_id,
            person_id=person_id,
            run_by=user if getattr(user, "is_authenticated", False) else None,
            purpose=purpose,
            weights_version=weights_version,
            filters=filters or {},
            considered=considered,
            duration_ms=duration_ms,
        )
        MatchResult.objects.bulk_create(
            MatchResult(
                run=run,
                rank=rank,
                person_ref=match.person_id,
                vacancy_ref=match.vacancy_id,
                score=match.score,
                criteria=match.criteria_dict(),
            )
            for rank, match in enumerate(matches, start=1)
        )
    return run
