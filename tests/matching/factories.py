"""Matching test world: places with coordinates, professions, vacancies and candidates.

world = MatchingWorld.build()        # Napoli, Pozzuoli (12 km), Salerno (47 km), Milano (far)
person = world.candidate(profession="5.1.2.2.0", place=world.pozzuoli, licences=["B"])
vacancy = world.vacancy(profession="5.1.2.2.0", place=world.naples, driving_licences=["B"])
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from sil.classifications.models import (
    ContractType,
    EducationLevel,
    EscoOccupation,
    EscoProfessionMapping,
    IscoGroup,
    LanguageLevel,
    Profession,
)
from sil.did.models import Did, DidChannel, DidState
from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    LanguageSkill,
    WorkExperience,
)
from sil.employers.models import Employer
from sil.matching.profiles import refresh_profiles
from sil.people.models import Person
from sil.territory.models import Municipality, Office
from sil.vacancies.models import Vacancy, VacancyLanguage, VacancyState
from tests.factories import MunicipalityFactory, OfficeFactory, PersonFactory, ProvinceFactory

_employer_numbers = itertools.count(1)


def profession(code: str, name: str = "") -> Profession:
    parts = code.split(".")
    parent = None
    for level in range(1, len(parts) + 1):
        prefix = ".".join(parts[:level])
        parent, _ = Profession.objects.get_or_create(
            system="cp2011",
            code=prefix,
            defaults={
                "level": level,
                "name": name if prefix == code and name else f"Gruppo {prefix}",
                "parent": parent,
            },
        )
    assert parent is not None
    return parent


def education_level(code: str, position: int) -> EducationLevel:
    return EducationLevel.objects.get_or_create(
        code=code, defaults={"name": f"Titolo {code}", "position": position}
    )[0]


def crosswalk(cp_code: str, isco: str) -> None:
    group = IscoGroup.objects.get_or_create(code=isco, defaults={"level": 4, "name": isco})[0]
    occupation = EscoOccupation.objects.create(
        uri=f"http://data.europa.eu/esco/occupation/test-{cp_code}-{isco}",
        isco_group=group,
        name=f"Occupazione {isco}",
    )
    EscoProfessionMapping.objects.create(
        occupation=occupation, profession=profession(cp_code), relation="exactMatch"
    )


@dataclass
class MatchingWorld:
    naples: Municipality
    pozzuoli: Municipality
    salerno: Municipality
    milan: Municipality
    cpi_a: Office
    cpi_b: Office

    @classmethod
    def build(cls) -> MatchingWorld:
        province = ProvinceFactory(naples=True)
        return cls(
            naples=MunicipalityFactory(
                naples=True, province=province, latitude=40.8518, longitude=14.2681
            ),
            pozzuoli=MunicipalityFactory(
                name="Pozzuoli", province=province, latitude=40.8231, longitude=14.1222
            ),
            salerno=MunicipalityFactory(
                name="Salerno", province=province, latitude=40.6824, longitude=14.7681
            ),
            milan=MunicipalityFactory(
                name="Milano", province=province, latitude=45.4642, longitude=9.19
            ),
            cpi_a=OfficeFactory(name="CPI Napoli"),
            cpi_b=OfficeFactory(name="CPI Salerno"),
        )

    def candidate(
        self,
        *,
        profession_code: str | None = "5.1.2.2.0",
        place: Municipality | None = None,
        office: Office | None = None,
        months: int = 24,
        did_state: str = DidState.ACTIVE,
        licences: tuple[str, ...] = (),
        languages: dict[str, str] | None = None,
        education: tuple[str, int] | None = None,
        radius: int | None = 30,
        working_time: str = "any",
        contracts: tuple[str, ...] = (),
        duties: str = "",
        refresh: bool = True,
        **person: Any,
    ) -> Person:
        place = place or self.naples
        someone = PersonFactory(
            residence_municipality=place,
            birth_municipality=place,
            competent_office=office or self.cpi_a,
            **person,
        )
        if did_state:
            Did.objects.create(
                person=someone,
                did_date=dt.date(2025, 1, 10),
                channel=DidChannel.CPI,
                state=did_state,
                state_since=dt.date(2025, 1, 10),
                ended_on=None
                if did_state in (DidState.ACTIVE, DidState.SUSPENDED, DidState.CONSERVED)
                else dt.date(2025, 6, 1),
            )
        if profession_code:
            end = dt.date(2025, 1, 1)
            WorkExperience.objects.create(
                person=someone,
                employer_name="Negozi Riuniti srl",
                profession=profession(profession_code),
                start_date=end - dt.timedelta(days=round(months * 30.44)),
                end_date=end,
                duties=duties,
            )
        for category in licences:
            DrivingLicence.objects.create(person=someone, category=category)
        for language, level in (languages or {}).items():
            held = LanguageLevel.objects.get(code=level)
            LanguageSkill.objects.create(
                person=someone, language=language, understanding=held, speaking=held, writing=held
            )
        if education:
            Education.objects.create(
                person=someone, level=education_level(*education), title="Diploma"
            )
        availability = Availability.objects.create(
            person=someone, mobility_radius_km=radius, working_time=working_time
        )
        for code in contracts:
            availability.contract_types.add(contract(code))
        if refresh:
            refresh_profiles([someone.pk])
        return someone

    def vacancy(
        self,
        *,
        profession_code: str = "5.1.2.2.0",
        place: Municipality | None = None,
        languages: tuple[tuple[str, str, bool], ...] = (),
        **fields: Any,
    ) -> Vacancy:
        place = place or self.naples
        number = next(_employer_numbers)
        employer = Employer.objects.create(
            fiscal_code=f"{90000000000 + number}", name=f"Impresa {number}", municipality=place
        )
        fields.setdefault("contract_type", contract("A.01.00"))
        vacancy = Vacancy.objects.create(
            employer=employer,
            title=fields.pop("title", "Commesso/a di negozio"),
            description=fields.pop("description", "Vendita al banco e assistenza ai clienti."),
            profession=profession(profession_code, "Commessi delle vendite al minuto"),
            municipality=place,
            state=fields.pop("state", VacancyState.PUBLISHED),
            **fields,
        )
        for language, level, required in languages:
            VacancyLanguage.objects.create(
                vacancy=vacancy,
                language=language,
                level=LanguageLevel.objects.get(code=level),
                required=required,
            )
        return vacancy


def contract(code: str) -> ContractType:
    return ContractType.objects.get_or_create(code=code, defaults={"name": f"Contratto {code}"})[0]
