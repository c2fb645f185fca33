"""Synthetic people for the demo and for benchmarks: Italian-looking, with valid fiscal codes.

Everything is derived from a seed and the person's position in the sequence, so the same seed
always yields the same people (the first N of a longer run are the N of a shorter one).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from faker import Faker

from sil.core import fiscal_code as cf
from sil.territory.models import Country, Municipality

CAMPANIA_PROVINCES = ("AV", "BN", "CE", "NA", "SA")
# Fixed, so that the people do not change from one day to the next.
REFERENCE_DATE = dt.date(2026, 1, 1)
MIN_AGE, MAX_AGE = 18, 64
BORN_ABROAD_SHARE = 0.12
OTHER_DOMICILE_SHARE = 0.1


# The encoder lives in sil.core.fiscal_code; these names stay for existing callers.
surname_part = cf.surname_part
name_part = cf.name_part
fiscal_code_for = cf.encode
omocodic_variant = cf.omocodic_variant


def _valid_on(place: Municipality | Country, day: dt.date) -> bool:
    return (place.valid_from is None or place.valid_from <= day) and (
        place.valid_to is None or place.valid_to >= day
    )


def generate_people(
    count: int,
    *,
    seed: int,
    residences: Sequence[Municipality],
    countries: Sequence[Country] = (),
) -> list[dict[str, Any]]:
    """`count` people resident in `residences`, as data for the registration actions."""
    if not residences:
        raise ValueError("no municipalities to place the synthetic people in")
    residences = sorted(residences, key=lambda m: m.cadastral_code)
    countries = sorted(countries, key=lambda c: (c.cadastral_code, c.pk))
    fake = Faker("it_IT")
    people: list[dict[str, Any]] = []
    used: set[str] = set()
    for index in range(count):
        rng = random.Random(f"{seed}:{index}")  # noqa: S311 - synthetic data, not security
        fake.seed_instance(f"{seed}:{index}")
        sex = rng.choice("MF")
        first_name = fake.first_name_male() if sex == "M" else fake.first_name_female()
        last_name = fake.last_name()
        age_days = rng.randint(MIN_AGE * 365 + 5, MAX_AGE * 365)
        birth_date = REFERENCE_DATE - dt.timedelta(days=age_days)
        residence = rng.choice(residences)
        born_abroad = bool(countries) and rng.random() < BORN_ABROAD_SHARE
        pool: Sequence[Municipality | Country] = countries if born_abroad else residences
        birthplace = next(
            (p for p in rng.sample(list(pool), min(len(pool), 50)) if _valid_on(p, birth_date)),
            residence if _valid_on(residence, birth_date) else None,
        )
        if birthplace is None:
            continue  # no place of birth existed then: skip rather than invent a bad code
        base = fiscal_code_for(
            last_name=last_name,
            first_name=first_name,
            sex=sex,
            birth_date=birth_date,
            cadastral_code=birthplace.cadastral_code,
        )
        code, level = base, 0
        while code in used:
            level += 1
            code = omocodic_variant(base, level)
        used.add(code)
        domicile = rng.choice(residences) if rng.random() < OTHER_DOMICILE_SHARE else None
        login = cf.plain_letters(first_name).lower() + "." + cf.plain_letters(last_name).lower()
        people.append(
            {
                "fiscal_code": code,
                "last_name": last_name,
                "first_name": first_name,
                "sex": sex,
                "birth_date": birth_date,
                "birth_municipality": birthplace if isinstance(birthplace, Municipality) else None,
                "birth_country": birthplace if isinstance(birthplace, Country) else None,
                "citizenship": "" if born_abroad else "IT",
                "residence_municipality": residence,
                "residence_address": fake.street_address(),
                "domicile_municipality": domicile,
                "domicile_address": fake.street_address() if domicile else "",
                "email": f"{login}{index}@esempio.invalid",
                "phone": f"+39 3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
            }
        )
    return people


def campania_residences() -> list[Municipality]:
    """Current municipalities of the Campania provinces."""
    return list(Municipality.objects.current().filter(province_code__in=CAMPANIA_PROVINCES))


def foreign_birth_countries() -> list[Country]:
    return list(Country.objects.filter(is_active=True))
