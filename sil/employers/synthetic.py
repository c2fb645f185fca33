"""Synthetic employers for the demo and the regional-scale generator: Italian-looking firms of
Campania with valid partite IVA and ATECO 2025 codes (when the classification is loaded).

Everything derives from the seed and the firm's position, so the same seed gives the same
firms (the first N of a longer run are the N of a shorter one).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker

from sil.classifications.models import EconomicActivity
from sil.core.audit import audit_context
from sil.employers.actions import ateco_section, size_for
from sil.employers.codes import make_vat_number
from sil.employers.models import Employer
from sil.people.synthetic import campania_residences
from sil.territory.models import Competence, Municipality, OfficeKind


@dataclass(frozen=True)
class Sector:
    ateco: str  # ATECO 2025 subcategory
    names: tuple[str, ...]  # name patterns; {surname} and {place} are filled in
    legal_forms: tuple[str, ...]
    employees: tuple[int, int]


SECTORS: tuple[Sector, ...] = (
    Sector(
        "56.11.11",
        ("Ristorante {surname}", "Trattoria da {surname}", "Osteria {place}"),
        ("S.r.l.", "S.n.c.", "ditta individuale"),
        (3, 25),
    ),
    Sector("10.71.10", ("Panificio {surname}", "Forno {place}"), ("S.n.c.", "S.r.l."), (2, 15)),
    Sector(
        "55.10.00",
        ("Hotel {place}", "Albergo {surname}", "Grand Hotel {place}"),
        ("S.r.l.", "S.p.A."),
        (8, 90),
    ),
    Sector("41.00.00", ("{surname} Costruzioni", "Edil{surname}"), ("S.r.l.",), (5, 60)),
    Sector(
        "43.21.01", ("{surname} Impianti", "Elettrotecnica {place}"), ("S.r.l.", "S.n.c."), (3, 30)
    ),
    Sector("49.41.00", ("Trasporti {surname}", "{place} Logistica"), ("S.r.l.",), (6, 120)),
    Sector(
        "52.10.10",
        ("{place} Magazzini Generali", "Logistica {surname}"),
        ("S.p.A.", "S.r.l."),
        (10, 300),
    ),
    Sector(
        "47.11.02", ("Supermercati {surname}", "Market {place}"), ("S.r.l.", "S.p.A."), (8, 200)
    ),
    Sector(
        "10.51.20",
        ("Caseificio {surname}", "Latteria {place}"),
        ("S.r.l.", "società cooperativa"),
        (4, 40),
    ),
    Sector(
        "01.21.00",
        ("Cantine {surname}", "Vigne di {place}"),
        ("società agricola", "S.r.l."),
        (2, 20),
    ),
    Sector("16.23.09", ("Falegnameria {surname}",), ("ditta individuale", "S.n.c."), (2, 12)),
    Sector("22.22.00", ("{place} Plast", "{surname} Imballaggi"), ("S.r.l.", "S.p.A."), (15, 150)),
    Sector("29.32.00", ("{surname} Automotive", "Componenti {place}"), ("S.p.A.",), (40, 600)),
    Sector("33.12.10", ("Officine {surname}", "{place} Meccanica"), ("S.r.l.",), (5, 50)),
    Sector(
        "62.10.00",
        ("{surname} Software", "{place} Digital", "Informatica {surname}"),
        ("S.r.l.",),
        (3, 80),
    ),
    Sector("69.20.04", ("Studio {surname} Consulenti del Lavoro",), ("studio associato",), (2, 12)),
    Sector(
        "81.21.00",
        ("{surname} Servizi di Pulizia", "Multiservizi {place}"),
        ("società cooperativa", "S.r.l."),
        (10, 250),
    ),
    Sector(
        "47.73.10",
        ("Farmacia {surname}", "Farmacia {place}"),
        ("S.n.c.", "ditta individuale"),
        (3, 12),
    ),
    Sector(
        "47.71.10",
        ("Boutique {surname}", "{surname} Moda"),
        ("S.r.l.", "ditta individuale"),
        (2, 15),
    ),
    Sector("85.32.03", ("Autoscuola {surname}",), ("S.n.c.", "ditta individuale"), (2, 8)),
)

# Provincial office codes in the partita IVA (digits 8-10) of the Campania provinces.
PROVINCE_VAT_OFFICE = {"CE": 61, "BN": 62, "NA": 63, "AV": 64, "SA": 65}
# Company numbers of synthetic firms start here, far from small real numbers.
_NUMBER_BASE = 4_000_000


@dataclass(frozen=True)
class FirmData:
    index: int
    fiscal_code: str
    name: str
    legal_form: str
    ateco: str
    employees: int
    municipality: Municipality
    address: str
    postcode: str
    email: str
    phone: str
    website: str
    description: str
    directory_consent: bool


def _slug(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalnum())[:20] or "impresa"


def firm_data(
    index: int, *, seed: int, places: Sequence[Municipality], fake: Faker | None = None
) -> FirmData:
    """The `index`-th synthetic firm of `seed`, placed in one of `places`."""
    rng = random.Random(f"employer:{seed}:{index}")  # noqa: S311 - synthetic data
    fake = fake or Faker("it_IT")
    fake.seed_instance(f"employer:{seed}:{index}")
    sector = SECTORS[rng.randrange(len(SECTORS))]
    place = places[rng.randrange(len(places))]
    surname = fake.last_name()
    name = rng.choice(sector.names).format(surname=surname, place=place.name)
    legal_form = rng.choice(sector.legal_forms)
    if legal_form not in ("ditta individuale", "studio associato"):
        name = f"{name} {legal_form}"
    number = _NUMBER_BASE + (seed * 7919 + index) % 5_000_000
    office = PROVINCE_VAT_OFFICE.get(place.province_code, 63)
    vat = make_vat_number(number, office)
    domain = f"{_slug(name)}{index}.example.it"
    low, high = sector.employees
    return FirmData(
        index=index,
        fiscal_code=vat,
        name=name,
        legal_form=legal_form,
        ateco=sector.ateco,
        employees=rng.randint(low, high),
        municipality=place,
        address=fake.street_address(),
        postcode=f"8{rng.randint(0, 4)}{rng.randint(0, 999):03d}",
        email=f"info@{domain}",
        phone=f"+39 081 {rng.randint(2000000, 8999999)}",
        website=f"https://www.{domain}",
        description=f"{name}: {fake.catch_phrase()}.",
        directory_consent=rng.random() < 0.85,
    )


def campania_places() -> list[Municipality]:
    places = sorted(campania_residences(), key=lambda m: m.istat_code or m.cadastral_code)
    if not places:
        raise ValueError("no municipality of Campania: load the territorial data first")
    return places


def activities_by_code() -> dict[str, EconomicActivity]:
    wanted = {sector.ateco for sector in SECTORS}
    return {
        activity.code: activity
        for activity in EconomicActivity.objects.filter(edition="2025", code__in=wanted)
    }


def sections_by_code(activities: dict[str, EconomicActivity]) -> dict[str, str]:
    """Section letters of the sector codes (a few queries, once)."""
    return {
        code: ateco_section(
            EconomicActivity.objects.select_related("parent__parent__parent__parent").get(
                pk=activity.pk
            )
        )
        for code, activity in activities.items()
    }


def generate(count: int, seed: int) -> int:
    """Create `count` synthetic firms in bulk; returns how many were new (existing codes are
    skipped). Sites and users are not created: the demo command adds them to a few firms."""
    if count <= 0:
        return 0
    places = campania_places()
    activities = activities_by_code()
    sections = sections_by_code(activities)
    offices = dict(
        Competence.objects.filter(office_kind=OfficeKind.CPI, office__is_active=True).values_list(
            "municipality_id", "office_id"
        )
    )
    fake = Faker("it_IT")
    now = timezone.now()
    before = Employer.objects.count()
    batch: list[Employer] = []

    def flush() -> None:
        Employer.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=True)
        batch.clear()

    with transaction.atomic(), audit_context(action="generate_employers", seed=seed, count=count):
        for index in range(count):
            data = firm_data(index, seed=seed, places=places, fake=fake)
            activity = activities.get(data.ateco)
            batch.append(
                Employer(
                    fiscal_code=data.fiscal_code,
                    vat_number=data.fiscal_code,
                    name=data.name,
                    legal_form=data.legal_form,
                    economic_activity=activity,
                    ateco_section=sections.get(data.ateco, ""),
                    employees=data.employees,
                    size=size_for(data.employees),
                    municipality=data.municipality,
                    address=data.address,
                    postcode=data.postcode,
                    email=data.email,
                    phone=data.phone.replace(" ", ""),
                    website=data.website,
                    description=data.description,
                    office_id=offices.get(data.municipality.pk),
                    directory_consent=data.directory_consent,
                    directory_consent_at=now if data.directory_consent else None,
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(batch) >= 10_000:
                flush()
        flush()
    return Employer.objects.count() - before


def as_action_data(data: FirmData, activities: dict[str, EconomicActivity]) -> dict[str, Any]:
    """The firm as input for do_register_employer (the demo goes through the actions)."""
    return {
        "fiscal_code": data.fiscal_code,
        "name": data.name,
        "legal_form": data.legal_form,
        "economic_activity": activities.get(data.ateco),
        "employees": data.employees,
        "municipality": data.municipality,
        "address": data.address,
        "postcode": data.postcode,
        "email": data.email,
        "phone": data.phone,
        "website": data.website,
        "description": data.description,
        "directory_consent": data.directory_consent,
    }
