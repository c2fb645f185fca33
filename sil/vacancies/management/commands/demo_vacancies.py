"""`sil demo_vacancies`: about 120 vacancies across Campania, in every state, through the actions.

Idempotent: each demo vacancy has the reference DEMO-<n> and is skipped when present. Needs the
demo employers (`sil demo_employers`) and a demo operator (`sil demo_accounts`).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from sil.accounts.models import User, UserKind
from sil.classifications.models import ContractType, LanguageLevel, Profession
from sil.employers.models import Employer
from sil.vacancies import actions
from sil.vacancies.models import Vacancy
from sil.vacancies.synthetic import TEMPLATES

COUNT = 120
# Left in draft on purpose: the quality check has something to say about them.
DISCRIMINATORY = (
    (
        "Commessa bella presenza",
        "Cercasi ragazza max 30 anni, bella presenza, per negozio di abbigliamento in centro.",
    ),
    (
        "Autista consegne",
        "Si cercano solo uomini, preferibilmente italiani, automuniti, età 25-40 anni.",
    ),
)
# Share of each state among the demo vacancies (most are published).
STATES = ["published"] * 14 + ["draft", "review", "closed", "expired", "cancelled"]


class Command(BaseCommand):
    help = "Crea le offerte di lavoro dimostrative (idempotente)."

    def handle(self, *args: Any, **options: Any) -> None:
        employers = list(Employer.objects.filter(is_active=True).order_by("id"))
        if not employers:
            raise CommandError("Nessuna impresa: eseguire prima `sil demo_employers`.")
        operator = (
            User.objects.filter(kind=UserKind.OPERATOR, is_active=True, memberships__isnull=False)
            .order_by("id")
            .first()
        )
        if operator is None:
            raise CommandError("Nessun operatore: eseguire prima `sil demo_accounts`.")
        professions = {
            p.code: p
            for p in Profession.objects.filter(code__in=[t[0] for t in TEMPLATES], level=5)
        }
        if not professions:
            raise CommandError("Classificazione CP assente: caricare i dati di riferimento.")
        templates = [t for t in TEMPLATES if t[0] in professions]
        contracts = list(ContractType.objects.filter(code__in=["A.01.00", "A.02.00", "A.03.09"]))
        b2 = LanguageLevel.objects.filter(code="B2").first()
        existing = set(
            Vacancy.objects.filter(reference__startswith="DEMO-").values_list(
                "reference", flat=True
            )
        )
        created = 0
        for index in range(COUNT):
            reference = f"DEMO-{index + 1}"
            if reference in existing:
                continue
            rng = random.Random(index)  # noqa: S311 - demo data
            employer = employers[index % len(employers)]
            code, title, text = templates[index % len(templates)]
            if index < len(DISCRIMINATORY):
                title, text = DISCRIMINATORY[index]
                state = "draft"
            else:
                state = STATES[index % len(STATES)]
            pay = rng.randrange(18_000, 36_000, 1_000)
            data = {
                "reference": reference,
                "title": title,
                "description": f"{text}\n\nL'offerta è rivolta a persone di entrambi i sessi.",
                "profession": professions[code],
                "municipality": employer.municipality,
                "contract_type": rng.choice(contracts) if contracts else None,
                "working_time": rng.choice(["full", "full", "part"]),
                "posts": rng.randint(1, 3),
                "pay_min": Decimal(pay),
                "pay_max": Decimal(pay + 3_000),
                "experience_months": rng.choice([0, 6, 12, 24]),
                "driving_licences": ["B"] if rng.random() < 0.4 else [],
                "expiry_date": timezone.localdate() + dt.timedelta(days=rng.randint(20, 80)),
                "how_to_apply": "Candidarsi dal portale o al Centro per l'Impiego.",
                "apply_email": employer.email,
            }
            languages = (
                [{"language": "en", "level": b2, "required": False}]
                if b2 and index % 4 == 0
                else []
            )
            with transaction.atomic():
                vacancy = actions.do_create_vacancy(
                    employer, data, languages=languages, by=operator
                )
                self._move(vacancy, state, operator)
            created += 1
        self.stdout.write(
            f"Offerte dimostrative create: {created} (già presenti: {len(existing)})."
        )

    def _move(self, vacancy: Vacancy, state: str, operator: User) -> None:
        if state == "draft":
            return
        if state == "review":
            actions.do_submit_for_review(vacancy, operator)
            return
        if state == "cancelled":
            actions.do_cancel(vacancy, operator, note="Richiesta ritirata dall'impresa.")
            return
        actions.do_publish(vacancy, operator, confirm=True)
        if state == "closed":
            actions.do_close(vacancy, operator, note="Posti coperti.")
        elif state == "expired":
            # Published two months ago, expired yesterday: as the nightly job would leave it.
            today = timezone.localdate()
            Vacancy.objects.filter(pk=vacancy.pk).update(
                publication_date=today - dt.timedelta(days=60),
                expiry_date=today - dt.timedelta(days=1),
            )
            actions.do_expire_vacancies(today)
