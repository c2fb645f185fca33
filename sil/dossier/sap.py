"""The whole dossier as a SAP-shaped document (Scheda Anagrafica Professionale, Flusso SAP).

The keys follow the Italian names of the national SAP sections and fields, since this is an
exchange format. Sections 1 (dati anagrafici), 4 (esperienze di lavoro) and 5 (informazioni
curriculari) are built here; other apps contribute theirs (2 dati amministrativi, 6 politiche
attive) with `register_section` from their AppConfig.ready(), so the dossier depends on none of
them. The same document feeds the JSON export and the printable PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from sil.dossier.queries import availability_of, section_rows
from sil.people.models import Person

SAP_FORMAT_VERSION = "1"


@dataclass(frozen=True)
class SapSection:
    key: str
    number: int  # the SAP section number; sections are emitted in this order
    build: Callable[[Person], Any]


_SECTIONS: dict[str, SapSection] = {}


def register_section(key: str, number: int, build: Callable[[Person], Any]) -> None:
    _SECTIONS[key] = SapSection(key, number, build)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _code(obj: Any) -> dict[str, str] | None:
    if obj is None:
        return None
    return {"codice": obj.code, "descrizione": obj.name}


def _place(place: Any) -> dict[str, str] | None:
    if place is None:
        return None
    return {"codice_catastale": place.cadastral_code, "denominazione": str(place.name)}


def personal_data(person: Person) -> dict[str, Any]:
    """Section 1: identity, residence (its comune decides the competent CPI), contacts."""
    office = person.competent_office
    return {
        "codice_fiscale": person.fiscal_code,
        "cognome": person.last_name,
        "nome": person.first_name,
        "sesso": person.sex,
        "data_nascita": _date(person.birth_date),
        "luogo_nascita": _place(person.birthplace),
        "cittadinanza": person.citizenship or None,
        "residenza": {
            "comune": _place(person.residence_municipality),
            "indirizzo": person.residence_address or None,
        },
        "domicilio": (
            {
                "comune": _place(person.domicile_municipality),
                "indirizzo": person.domicile_address or None,
            }
            if person.domicile_municipality_id
            else None
        ),
        "recapiti": {"email": person.email or None, "telefono": person.phone or None},
        "cpi_competente": (
            {"codice": office.code, "denominazione": office.name} if office is not None else None
        ),
    }


def work_experiences(person: Person) -> list[dict[str, Any]]:
    """Section 4."""
    return [
        {
            "datore_lavoro": {
                "codice_fiscale": row.employer_fiscal_code or None,
                "denominazione": row.employer_name,
                "ateco": _code(row.economic_activity),
            },
            "data_inizio": _date(row.start_date),
            "data_fine": _date(row.end_date),
            "qualifica": _code(row.profession),
            "mansioni": row.duties or None,
            "tipologia_contrattuale": _code(row.contract_type),
            "ore_settimanali": float(row.weekly_hours) if row.weekly_hours is not None else None,
            "assunzione_l68": row.targeted_hire,
        }
        for row in section_rows(person, ("esperienze",))["esperienze"]
    ]


def curriculum(person: Person) -> dict[str, Any]:
    """Section 5, plus the person's availability."""
    rows = section_rows(
        person, ("titoli", "formazione", "lingue", "informatica", "patenti", "patentini")
    )
    availability = availability_of(person)
    return {
        "titoli_studio": [
            {
                "livello": _code(row.level),
                "titolo": row.title,
                "istituto": row.institution or None,
                "anno": row.year,
                "votazione": row.mark or None,
                "riconosciuto_in_italia": row.recognised_in_italy,
            }
            for row in rows["titoli"]
        ],
        "formazione_professionale": [
            {
                "titolo": row.title,
                "ente": row.provider or None,
                "durata": row.duration,
                "unita_durata": row.duration_unit or None,
                "anno": row.year,
                "attestato": row.certificate or None,
                "stage": row.with_stage,
            }
            for row in rows["formazione"]
        ],
        "lingue": [
            {
                "lingua": row.language,
                "comprensione": row.understanding.code if row.understanding else None,
                "parlato": row.speaking.code if row.speaking else None,
                "scritto": row.writing.code if row.writing else None,
            }
            for row in rows["lingue"]
        ],
        "conoscenze_informatiche": [
            {"competenza": row.name, "livello": row.level or None} for row in rows["informatica"]
        ],
        "patenti": [row.category for row in rows["patenti"]],
        "patentini": [
            {"denominazione": row.name, "ente": row.issuer or None, "numero": row.number or None}
            for row in rows["patentini"]
        ],
        "disponibilita": (
            {
                "tipologie_contrattuali": [
                    _code(contract) for contract in availability.contract_types.all()
                ],
                "orario": availability.working_time,
                "raggio_mobilita_km": availability.mobility_radius_km,
                "turni": availability.shifts,
                "note": availability.notes or None,
            }
            if availability is not None
            else None
        ),
    }


register_section("dati_anagrafici", 1, personal_data)
register_section("esperienze_lavoro", 4, work_experiences)
register_section("informazioni_curriculari", 5, curriculum)


def sap_document(person: Person) -> dict[str, Any]:
    """The whole dossier of `person` (load it with `Person.objects.with_places()`)."""
    document: dict[str, Any] = {
        "formato": {"versione": SAP_FORMAT_VERSION, "generato_il": timezone.now().isoformat()},
    }
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.number, s.key)):
        document[section.key] = section.build(person)
    return document
