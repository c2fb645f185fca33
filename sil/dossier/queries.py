"""Reads of the dossier used by pages, panels, exports and other apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    ItSkill,
    LanguageSkill,
    OtherLicence,
    PersonSection,
    TrainingCourse,
    WorkExperience,
)
from sil.people.models import Person


@dataclass(frozen=True)
class Section:
    key: str  # in URLs and API routes
    model: type[PersonSection]
    title: Any  # lazily translated
    add_label: Any


SECTIONS: tuple[Section, ...] = (
    Section("esperienze", WorkExperience, _("Esperienze di lavoro"), _("Aggiungi esperienza")),
    Section("titoli", Education, _("Titoli di studio"), _("Aggiungi titolo")),
    Section("formazione", TrainingCourse, _("Formazione professionale"), _("Aggiungi corso")),
    Section("lingue", LanguageSkill, _("Lingue"), _("Aggiungi lingua")),
    Section("informatica", ItSkill, _("Competenze informatiche"), _("Aggiungi competenza")),
    Section("patenti", DrivingLicence, _("Patenti di guida"), _("Aggiungi patente")),
    Section("patentini", OtherLicence, _("Patentini e abilitazioni"), _("Aggiungi patentino")),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


def _rows(key: str, person: Person | int) -> list[Any]:
    if key == "esperienze":
        return list(
            WorkExperience.objects.for_person(person)
            .select_related("economic_activity", "profession", "contract_type")
            .order_by("-start_date", "-id")
        )
    if key == "titoli":
        return list(
            Education.objects.for_person(person).select_related("level").order_by("-year", "-id")
        )
    if key == "lingue":
        return list(
            LanguageSkill.objects.for_person(person)
            .select_related("understanding", "speaking", "writing")
            .order_by("language", "id")
        )
    order = {
        "formazione": ("-year", "-id"),
        "informatica": ("name", "id"),
        "patenti": ("category", "id"),
        "patentini": ("name", "id"),
    }[key]
    return list(SECTIONS_BY_KEY[key].model.objects.for_person(person).order_by(*order))


def section_rows(person: Person | int, keys: tuple[str, ...] | None = None) -> dict[str, list[Any]]:
    """The rows of the person's sections (all, or those named): one query per section."""
    return {key: _rows(key, person) for key in (keys or tuple(SECTIONS_BY_KEY))}


def availability_of(person: Person | int) -> Availability | None:
    """The person's availability with its contract types prefetched (two queries)."""
    return Availability.objects.filter(person=person).prefetch_related("contract_types").first()


def dossier_of(person: Person) -> dict[str, Any]:
    """Everything the dossier pages and the print show, as template context."""
    rows = section_rows(person)
    return {
        "sections": [{"section": section, "rows": rows[section.key]} for section in SECTIONS],
        "rows": rows,
        "availability": availability_of(person),
    }
