"""`sil demo_shortlists`: shortlists for a few demo vacancies, in every stage of their life.

Demo mode only. For each of the first published vacancies with candidates, the demo operator
of the vacancy's office builds a shortlist from the ranked list; the first ones are sent
(two candidates agreed, one declined) and, for the very first, the firm answered and a hire
was recorded. Vacancies that already have a shortlist are left alone: a second run creates
nothing. Needs `sil demo_vacancies` (and the matching profiles) first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from sil.accounts.demo import require_demo
from sil.accounts.models import Membership, User
from sil.matching.queries import rank_candidates
from sil.shortlists import actions
from sil.shortlists.models import Shortlist
from sil.vacancies.models import Vacancy, VacancyState

SHORTLISTS = 6
CANDIDATES = 4


def _operator_for(vacancy: Vacancy) -> User | None:
    """A demo operator of the vacancy's office, else any demo operator."""
    memberships = Membership.objects.filter(user__email__endswith="@demo.opensil.it")
    if vacancy.office_id:
        mine = memberships.filter(office_id=vacancy.office_id).select_related("user").first()
        if mine is not None:
            return mine.user
    first = memberships.select_related("user").order_by("id").first()
    return first.user if first is not None else None


class Command(BaseCommand):
    help = "Crea rose di candidati dimostrative per alcune offerte pubblicate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=SHORTLISTS)

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo()
        vacancies = (
            Vacancy.objects.filter(state=VacancyState.PUBLISHED, shortlists__isnull=True)
            .select_related("employer")
            .order_by("id")
        )
        # Idempotent: a second run tops up to --count shortlists, it never adds more.
        made = Shortlist.objects.count()
        already = made
        for vacancy in vacancies[:200]:
            if made >= options["count"]:
                break
            matches = rank_candidates(vacancy, limit=CANDIDATES)
            if len(matches) < 2:
                continue
            operator = _operator_for(vacancy)
            try:
                # One shortlist at a time, whole or not at all: an interrupted run must not
                # leave one half built, since a vacancy with a shortlist is skipped next time.
                with transaction.atomic():
                    self._build(vacancy, [m.person_id for m in matches], operator, made)
            except ValidationError as exc:
                self.stderr.write(f"{vacancy}: {' '.join(exc.messages)}")
                continue
            made += 1
        self.stdout.write(f"demo_shortlists: {made - already} rose create, {made} in tutto")

    def _build(self, vacancy: Vacancy, person_ids: list[int], operator: Any, index: int) -> None:
        shortlist = actions.do_add_candidates(vacancy, person_ids, operator)
        entries = list(shortlist.entries.order_by("position"))
        if index % 3 == 2:
            return  # left in preparation
        for number, entry in enumerate(entries):
            actions.do_record_contact(
                entry,
                channel="phone" if number % 2 == 0 else "email",
                consent=number != 1,  # the second candidate declines
                user=operator,
            )
        actions.do_send_shortlist(shortlist, operator, note="Colloqui nella sede dell'impresa.")
        if index == 0:
            first = entries[0]
            first.refresh_from_db()
            actions.do_record_feedback(first, "interested", operator, note="Colloquio fissato.")
            actions.do_record_outcome(first, "hired", operator)
