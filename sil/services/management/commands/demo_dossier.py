"""`sil demo_dossier`: DIDs, dossier sections and policies for part of the demo people.

Everything goes through the actions of sil.did, sil.dossier and sil.services (one transaction
each); a person is filled in its own transaction, so a failure never leaves half a dossier.
The demo people are those of `sil demo_people` (e-mail on the reserved domain esempio.invalid);
which of them get a dossier, and what, follows from the seed and their fiscal code. A person
who already has a DID is left alone, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from sil.classifications.models import (
    ContractType,
    EconomicActivity,
    EducationLevel,
    LanguageLevel,
    Profession,
    ProfessionSystem,
)
from sil.did.actions import do_declare_did, do_resume, do_suspend
from sil.did.machine import DidTransitionError
from sil.did.models import Did, DidChannel
from sil.dossier.actions import (
    do_add_education,
    do_add_language_skill,
    do_add_work_experience,
)
from sil.people.models import Person
from sil.services.actions import do_add_policy, do_add_policy_event
from sil.services.models import PolicyEventCode

DEFAULT_SEED = 20261122
DEMO_EMAIL_DOMAIN = "@esempio.invalid"
SHARE = 0.6
LANGUAGES = ("en", "fr", "es", "de")
# SAP activity type A02 (as in the SPEC example) with demo titles.
POLICIES = (
    ("A02", "Colloquio di orientamento di base"),
    ("A02", "Orientamento specialistico"),
    ("A02", "Accompagnamento al lavoro"),
    ("A02", "Tirocinio extracurriculare"),
)
PROPOSAL, STARTED, ENDED = "01", "02", "10"


@dataclass
class Reference:
    """The reference rows the demo can point to; empty lists mean "skip that part"."""

    education_levels: list[EducationLevel]
    activities: list[EconomicActivity]
    professions: list[Profession]
    contract_types: list[ContractType]
    language_levels: list[LanguageLevel]
    event_codes: dict[str, PolicyEventCode]

    @classmethod
    def load(cls) -> Reference:
        levels = list(EducationLevel.objects.exclude(code="NED").order_by("position", "code"))
        editions = EconomicActivity.objects.values_list("edition", flat=True)
        edition = "2025" if "2025" in set(editions) else max(editions, default=None)
        activities = list(EconomicActivity.objects.filter(edition=edition).order_by("code"))
        # The most detailed codes (e.g. 47.11.10) when the classification has them.
        detailed = [a for a in activities if a.code.count(".") == 2]
        professions = Profession.objects.order_by("code")
        if professions.filter(system=ProfessionSystem.CP2011).exists():
            professions = professions.filter(system=ProfessionSystem.CP2011)
        chosen = list(professions.filter(level=5).exclude(code__startswith="1.")) or list(
            professions
        )
        return cls(
            education_levels=levels,
            activities=detailed or activities,
            professions=chosen,
            contract_types=list(ContractType.objects.filter(is_active=True).order_by("code")),
            language_levels=list(LanguageLevel.objects.order_by("position")),
            event_codes={
                c.code: c
                for c in PolicyEventCode.objects.filter(code__in=[PROPOSAL, STARTED, ENDED])
            },
        )

    def notes(self) -> list[str]:
        missing = []
        if not self.education_levels:
            missing.append(_("nessun livello di titolo di studio: titoli non creati"))
        if not self.activities:
            missing.append(_("nessuna attività ATECO: esperienze senza attività economica"))
        if not self.professions:
            missing.append(_("nessuna professione CP: esperienze senza qualifica"))
        if not self.contract_types:
            missing.append(_("nessuna tipologia contrattuale: esperienze senza contratto"))
        if not self.language_levels:
            missing.append(_("nessun livello QCER: lingue senza livello"))
        if len(self.event_codes) < 3:
            missing.append(_("codici evento SAP mancanti: politiche non create"))
        return missing


@dataclass
class Tally:
    people: int = 0
    dids: int = 0
    suspensions: int = 0
    educations: int = 0
    experiences: int = 0
    languages: int = 0
    policies: int = 0
    events: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTS: tuple[str, ...] = (
    "people",
    "dids",
    "suspensions",
    "educations",
    "experiences",
    "languages",
    "policies",
    "events",
)


def _pick(rng: random.Random, rows: Sequence[Any]) -> Any:
    return rng.choice(rows) if rows else None


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _vat_number(rng: random.Random) -> str:
    """An 11-digit partita IVA with the right check digit (Luhn-like)."""
    digits = [rng.randint(0, 9) for _i in range(7)] + [0, 6, 3]  # office 063: Napoli
    total = 0
    for index, digit in enumerate(digits):
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


class Command(BaseCommand):
    help = _(
        "Crea DID, fascicolo e politiche per una parte delle persone dimostrative (solo in "
        "modalità demo). Idempotente: una seconda esecuzione non crea nulla di nuovo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("seme casuale"))
        parser.add_argument(
            "--share",
            type=float,
            default=SHARE,
            help=_("quota delle persone dimostrative con fascicolo (0.6)"),
        )
        parser.add_argument(
            "--force", action="store_true", help=_("esegui anche fuori dalla modalità demo")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO or options["force"]):
            raise CommandError(
                _("Dati sintetici solo in modalità demo (SIL_DEMO=1) o con --force.")
            )
        if not 0 <= options["share"] <= 1:
            raise CommandError(_("--share deve essere compreso tra 0 e 1."))
        reference = Reference.load()
        if options["verbosity"]:
            for note in reference.notes():
                self.stdout.write(_("Nota: %s.") % note)
        seed, share = options["seed"], options["share"]
        today = timezone.localdate()
        with_did = set(Did.objects.values_list("person_id", flat=True))
        tally = Tally()
        people = (
            Person.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN, merged_into__isnull=True)
            .select_related("competent_office")
            .order_by("fiscal_code")
        )
        for person in people:
            rng = random.Random(f"{seed}:{person.fiscal_code}")  # noqa: S311 - synthetic data
            if rng.random() >= share:
                continue
            if person.pk in with_did:
                tally.skipped += 1
                continue
            added = Tally()
            try:
                with transaction.atomic():
                    self._fill(person, rng, reference, today, added)
            except (ValidationError, DidTransitionError) as exc:
                tally.problems.append(f"{person.fiscal_code}: {'; '.join(exc.messages)}")
            else:
                tally.add(added)
        for problem in tally.problems:
            self.stderr.write(problem)
        self.stdout.write(
            _(
                "Fascicoli dimostrativi: %(people)d persone (%(dids)d DID, %(suspensions)d "
                "sospensioni, %(educations)d titoli, %(experiences)d esperienze, "
                "%(languages)d lingue, %(policies)d politiche con %(events)d eventi), "
                "%(skipped)d già presenti."
            )
            % {name: getattr(tally, name) for name in (*COUNTS, "skipped")}
        )

    def _fill(
        self,
        person: Person,
        rng: random.Random,
        ref: Reference,
        today: dt.date,
        tally: Tally,
    ) -> None:
        fake = Faker("it_IT")
        fake.seed_instance(rng.random())
        adult = person.birth_date.replace(year=person.birth_date.year + 18)
        did_date = _day_between(rng, max(today - dt.timedelta(days=3 * 365), adult), today)
        did = do_declare_did(person, did_date, rng.choice(DidChannel.values))
        tally.people += 1
        tally.dids += 1
        self._education(person, rng, ref, today, tally)
        # Past jobs, one after the other, all ending before the DID.
        experiences = rng.randint(0, 3)
        end = did_date - dt.timedelta(days=rng.randint(1, 90))
        for _i in range(experiences):
            start = end - dt.timedelta(days=rng.randint(90, 4 * 365))
            if start < adult:
                break
            self._experience(person, rng, ref, fake, start, end, tally)
            end = start - dt.timedelta(days=rng.randint(15, 365))
        # A job after the DID: the DID is suspended, and resumed when the job has ended.
        if rng.random() < 0.3 and (today - did_date).days > 30:
            start = _day_between(rng, did_date + dt.timedelta(days=1), today)
            job_end: dt.date | None = start + dt.timedelta(days=rng.randint(20, 170))
            if job_end is not None and job_end >= today:
                job_end = None
            income = Decimal(rng.randrange(12000, 28000, 100))
            do_suspend(did, start, income, note=_("Avvio di un rapporto di lavoro (demo)."))
            tally.suspensions += 1
            if job_end is not None:
                do_resume(did, job_end, note=_("Fine del rapporto di lavoro (demo)."))
            self._experience(person, rng, ref, fake, start, job_end, tally)
        for language in rng.sample(LANGUAGES, rng.randint(0, 2)):
            self._language(person, rng, ref, language, tally)
        if rng.random() < 0.35 and len(ref.event_codes) == 3:
            self._policy(person, rng, ref, did_date, today, tally)

    def _education(
        self, person: Person, rng: random.Random, ref: Reference, today: dt.date, tally: Tally
    ) -> None:
        if not ref.education_levels:
            return
        count = min(rng.randint(1, 2), len(ref.education_levels))
        levels = sorted(
            rng.sample(ref.education_levels, count), key=lambda lv: (lv.position, lv.code)
        )
        year = person.birth_date.year + rng.randint(14, 19)
        for level in levels:
            if year > today.year:
                break
            do_add_education(
                person,
                {
                    "level": level,
                    "title": level.name.split("/")[0].strip()[:300],
                    "institution": rng.choice(
                        ("Istituto statale", "Università degli studi", "Liceo", "Centro IFP")
                    ),
                    "year": year,
                },
            )
            tally.educations += 1
            year += rng.randint(2, 6)

    def _experience(
        self,
        person: Person,
        rng: random.Random,
        ref: Reference,
        fake: Faker,
        start: dt.date,
        end: dt.date | None,
        tally: Tally,
    ) -> None:
        profession = _pick(rng, ref.professions)
        do_add_work_experience(
            person,
            {
                "employer_name": fake.company()[:300],
                "employer_fiscal_code": _vat_number(rng),
                "economic_activity": _pick(rng, ref.activities),
                "profession": profession,
                "contract_type": _pick(rng, ref.contract_types),
                "start_date": start,
                "end_date": end,
                "weekly_hours": Decimal(rng.choice((18, 20, 24, 30, 36, 38, 40))),
                "duties": profession.name[:500] if profession else "",
            },
        )
        tally.experiences += 1

    def _language(
        self, person: Person, rng: random.Random, ref: Reference, language: str, tally: Tally
    ) -> None:
        levels = ref.language_levels
        understanding = _pick(rng, levels)
        lower = levels[: levels.index(understanding) + 1] if understanding else []
        do_add_language_skill(
            person,
            {
                "language": language,
                "understanding": understanding,
                "speaking": _pick(rng, lower),
                "writing": _pick(rng, lower),
            },
        )
        tally.languages += 1

    def _policy(
        self,
        person: Person,
        rng: random.Random,
        ref: Reference,
        did_date: dt.date,
        today: dt.date,
        tally: Tally,
    ) -> None:
        activity, title = rng.choice(POLICIES)
        proposal = min(did_date + dt.timedelta(days=rng.randint(0, 60)), today)
        start = proposal + dt.timedelta(days=rng.randint(0, 30))
        started = rng.random() < 0.7 and start <= today
        end = start + dt.timedelta(days=rng.randint(10, 120))
        ended = started and end <= today and rng.random() < 0.7
        office = person.competent_office
        policy = do_add_policy(
            person,
            {
                "activity_type": activity,
                "title": title,
                "promoter": office.name if office else "",
                "proposal_date": proposal,
                "start_date": start if started else None,
                "end_date": end if ended else None,
            },
        )
        tally.policies += 1
        events = [(PROPOSAL, proposal)]
        if started:
            events.append((STARTED, start))
        if ended:
            events.append((ENDED, end))
        for code, day in events:
            do_add_policy_event(policy, {"code": ref.event_codes[code], "date": day})
            tally.events += 1
