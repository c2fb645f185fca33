"""`sil demo_citizens`: five demo citizens with two CVs each and a few applications.

Demo mode only. The citizens are demo people with a DID in force (from `sil demo_dossier`);
their accounts, CVs and applications are made through the actions. A citizen who already has
CVs is left alone, so a second run creates nothing. Applications need published vacancies
(`sil demo_vacancies`); without them the citizens simply have none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from sil.accounts.demo import require_demo
from sil.applications.actions import do_apply, do_get_or_create_citizen_user
from sil.did.models import OPEN_STATES
from sil.dossier import cv as cvs
from sil.dossier.models import Cv
from sil.people.models import Person
from sil.vacancies.models import Vacancy, VacancyState

CITIZENS = 5
APPLICATIONS_EACH = 2


class Command(BaseCommand):
    help = "Crea cittadini dimostrativi con due CV e alcune candidature."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=CITIZENS)

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo()
        people = list(
            Person.objects.filter(
                merged_into__isnull=True,
                email__endswith="@esempio.invalid",
                dids__state__in=[s.value for s in OPEN_STATES],
            )
            .select_related("residence_municipality")
            .distinct()
            .order_by("id")[: options["count"]]
        )
        vacancies = list(Vacancy.objects.filter(state=VacancyState.PUBLISHED).order_by("id")[:200])
        created = 0
        for index, person in enumerate(people):
            # One citizen at a time, whole or not at all: a citizen with a CV is skipped next
            # time, so an interrupted run must not leave one with half the CVs or none of the
            # applications.
            with transaction.atomic():
                user = do_get_or_create_citizen_user(person)
                if Cv.objects.for_person(person).exists():
                    self._report(person, "")
                    continue
                self._prepare(
                    person, user, vacancies[index * APPLICATIONS_EACH :][:APPLICATIONS_EACH]
                )
            created += 1
            self._report(person, "*")
        if options["verbosity"]:
            self.stdout.write(
                _("Cittadini dimostrativi: %(n)d preparati ora, %(t)d in tutto.")
                % {"n": created, "t": len(people)}
            )
            self.stdout.write(_("Accesso: /area-personale/accesso-demo/ con uno dei codici sopra."))

    def _prepare(self, person: Person, user: Any, chosen: list[Vacancy]) -> None:
        full = cvs.do_create_cv_from_dossier(person, _("CV completo"), by=user)
        cvs.do_update_cv(
            full,
            {
                "headline": _("Disponibile da subito"),
                "summary": _("Persona affidabile, abituata al lavoro di squadra."),
            },
            by=user,
        )
        short = cvs.do_duplicate_cv(full, by=user)
        cvs.do_update_cv(
            short,
            {"name": _("CV breve"), "summary": ""},
            {"esperienze": full.selected_ids("esperienze")[:2]},
            by=user,
        )
        for number, vacancy in enumerate(chosen):
            try:
                do_apply(
                    person,
                    vacancy,
                    cv=full if number == 0 else short,
                    message=_("Buongiorno, allego il mio CV. Resto a disposizione."),
                    by=user,
                )
            except ValidationError:
                continue

    def _report(self, person: Person, mark: str) -> None:
        self.stdout.write(f"{mark:1} {person.fiscal_code}  {person.full_name}")
