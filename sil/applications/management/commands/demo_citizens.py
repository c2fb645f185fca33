"""`sil demo_citizens`: five demo citizens with two CVs each and a few applications.

Demo mode only. The citizens are demo people with a DID in force (from `sil demo_dossier`);
their accounts, CVs and applications are made through the actions. A second run adds only what
is missing (a CV or an application an interrupted run did not make), so it creates nothing
after a complete one. Applications need published vacancies
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
from sil.applications.models import Application
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
            # One citizen at a time, in one transaction; what an earlier run made is kept and
            # only what is missing (a CV, an application) is added.
            with transaction.atomic():
                user = do_get_or_create_citizen_user(person)
                added = self._prepare(
                    person, user, vacancies[index * APPLICATIONS_EACH :][:APPLICATIONS_EACH]
                )
            created += added
            self._report(person, "*" if added else "")
        if options["verbosity"]:
            self.stdout.write(
                _("Cittadini dimostrativi: %(n)d preparati ora, %(t)d in tutto.")
                % {"n": created, "t": len(people)}
            )
            self.stdout.write(_("Accesso: /area-personale/accesso-demo/ con uno dei codici sopra."))

    def _prepare(self, person: Person, user: Any, chosen: list[Vacancy]) -> bool:
        """The citizen's two CVs and applications; True when anything was missing."""
        added = False
        mine = Cv.objects.for_person(person)
        full = mine.filter(name=_("CV completo")).first()
        if full is None:
            full = cvs.do_create_cv_from_dossier(person, _("CV completo"), by=user)
            cvs.do_update_cv(
                full,
                {
                    "headline": _("Disponibile da subito"),
                    "summary": _("Persona affidabile, abituata al lavoro di squadra."),
                },
                by=user,
            )
            added = True
        short = mine.filter(name=_("CV breve")).first()
        if short is None:
            short = cvs.do_duplicate_cv(full, by=user)
            cvs.do_update_cv(
                short,
                {"name": _("CV breve"), "summary": ""},
                {"esperienze": full.selected_ids("esperienze")[:2]},
                by=user,
            )
            added = True
        applied = set(
            Application.objects.filter(person=person, vacancy__in=chosen).values_list(
                "vacancy_id", flat=True
            )
        )
        for number, vacancy in enumerate(chosen):
            if vacancy.pk in applied:
                continue
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
            added = True
        return added

    def _report(self, person: Person, mark: str) -> None:
        self.stdout.write(f"{mark:1} {person.fiscal_code}  {person.full_name}")
