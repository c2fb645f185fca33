"""Synthetic published vacancies for existing employers (regional generator, benchmarks).

Deterministic for a seed; idempotent: each row has the reference SYN-<seed>-<n>, and rows
already there are skipped. Written with bulk_create in batches, history triggers off (the
rows are synthetic: the batch itself is the record).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sil.classifications.models import ContractType, Profession
from sil.dossier.models import WorkingTime
from sil.employers.models import Employer
from sil.people.bulk import history_trigger_names
from sil.territory.models import Competence, OfficeKind
from sil.vacancies.models import Vacancy, VacancyState

BATCH = 2_000

# (CP2011 code, title, description) of common requests to CPIs.
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    (
        "5.2.2.3.0",
        "Cameriere/a di sala",
        "Servizio ai tavoli, accoglienza dei clienti e cura della sala.",
    ),
    (
        "5.2.2.1.0",
        "Cuoco/a",
        "Preparazione dei piatti della cucina tradizionale, gestione della linea.",
    ),
    ("5.2.2.4.0", "Barista", "Caffetteria, preparazione di bevande e cocktail, servizio al banco."),
    (
        "5.1.2.2.0",
        "Commesso/a di negozio",
        "Vendita assistita, allestimento e riordino degli scaffali, cassa.",
    ),
    (
        "8.1.3.1.0",
        "Magazziniere/a",
        "Carico e scarico merci, uso del transpallet e del carrello elevatore.",
    ),
    (
        "7.4.2.3.0",
        "Autista di camion (m/f)",
        "Consegne regionali con mezzi pesanti, patente C e CQC.",
    ),
    (
        "6.2.1.2.0",
        "Saldatore/trice",
        "Saldatura a filo e TIG di carpenteria metallica in officina.",
    ),
    (
        "6.1.2.1.0",
        "Muratore (m/f)",
        "Opere murarie in cantieri edili di nuova costruzione e ristrutturazione.",
    ),
    (
        "4.1.1.1.0",
        "Impiegato/a amministrativo/a",
        "Contabilità generale, fatturazione, prima nota e archivio.",
    ),
    (
        "5.3.1.1.0",
        "Operatore/trice socio-sanitario/a",
        "Assistenza alla persona in struttura residenziale, turni.",
    ),
    (
        "3.2.1.1.1",
        "Infermiere/a",
        "Assistenza infermieristica in reparto, somministrazione delle terapie.",
    ),
    (
        "8.1.4.3.0",
        "Addetto/a alle pulizie",
        "Pulizia di uffici e aree comuni, uso di macchinari professionali.",
    ),
    (
        "6.2.3.1.0",
        "Meccanico/a auto",
        "Diagnosi e riparazione di autoveicoli, tagliandi e manutenzione.",
    ),
    (
        "2.1.1.4.1",
        "Sviluppatore/trice software",
        "Sviluppo di applicazioni web in Python e JavaScript, basi dati.",
    ),
    ("6.5.1.2.1", "Pizzaiolo/a", "Preparazione dell'impasto e cottura nel forno a legna."),
)


def _professions() -> dict[str, Profession]:
    codes = [code for code, _title, _text in TEMPLATES]
    found = {p.code: p for p in Profession.objects.filter(code__in=codes, level=5)}
    if len(found) < len(codes):  # partial reference data: any unit groups will do
        for extra in Profession.objects.filter(level=5).order_by("code")[: len(codes)]:
            found.setdefault(extra.code, extra)
    return found


def generate(count: int, seed: int) -> int:
    """Create up to `count` published vacancies spread over the existing employers."""
    employers = list(
        Employer.objects.filter(is_active=True).order_by("id").values_list("id", "municipality_id")
    )
    if not employers or count <= 0:
        return 0
    professions = _professions()
    if not professions:
        raise ValueError("no professions: load the reference data first")
    contracts: list[int | None] = list(
        ContractType.objects.order_by("code").values_list("id", flat=True)
    ) or [None]
    offices = dict(
        Competence.objects.filter(office_kind=OfficeKind.CPI).values_list(
            "municipality_id", "office_id"
        )
    )
    prefix = f"SYN-{seed}-"
    existing = set(
        Vacancy.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    )
    today = timezone.localdate()
    templates = [t for t in TEMPLATES if t[0] in professions] or [
        (code, p.name[:150], p.name) for code, p in professions.items()
    ]
    created = 0
    batch: list[Vacancy] = []
    for index in range(count):
        reference = f"{prefix}{index}"
        if reference in existing:
            continue
        rng = random.Random(f"{seed}:{index}")  # noqa: S311 - synthetic data
        code, title, text = rng.choice(templates)
        employer_id, municipality_id = rng.choice(employers)
        published = today - dt.timedelta(days=rng.randint(0, 60))
        pay = rng.randrange(18_000, 40_000, 500)
        batch.append(
            Vacancy(
                employer_id=employer_id,
                office_id=offices.get(municipality_id),
                reference=reference,
                title=title,
                description=f"{text} Sede di lavoro raggiungibile con i mezzi pubblici.",
                profession=professions[code],
                municipality_id=municipality_id,
                contract_type_id=rng.choice(contracts),
                working_time=rng.choice([WorkingTime.FULL, WorkingTime.FULL, WorkingTime.PART]),
                posts=rng.randint(1, 3),
                pay_min=Decimal(pay),
                pay_max=Decimal(pay + 4_000),
                experience_months=rng.choice([0, 0, 6, 12, 24]),
                state=VacancyState.PUBLISHED,
                publication_date=published,
                expiry_date=today + dt.timedelta(days=rng.randint(10, 90)),
            )
        )
        if len(batch) >= BATCH:
            created += _write(batch)
            batch = []
    if batch:
        created += _write(batch)
    return created


def _write(batch: list[Vacancy]) -> int:
    # History triggers off; the search_vector trigger stays on (it fills the column).
    names = [n for n in history_trigger_names(Vacancy) if "search_vector" not in n]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(names) + "}"]
        )
        Vacancy.objects.bulk_create(batch)
    return len(batch)


def generate_section(seed: int, counts: dict[str, int], progress: Any) -> dict[str, int]:
    """The `vacancies` section of `sil demo-data` (after employers)."""
    return {"vacancies": generate(counts.get("vacancies", 0), seed)}
