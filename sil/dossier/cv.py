"""Citizens' CVs: what a CV shows, its exports (PDF, Europass-like JSON) and its writes.

A CV (`sil.dossier.models.Cv`) is a choice of dossier rows plus free text. The dossier stays
the single record: a CV stores only which rows it shows, so a corrected row is corrected in
every CV. The writes (`do_*`) follow the dossier's actions: one transaction each, with audit
context.

The exports leave out birth date, sex and citizenship on purpose: employers do not need them to
judge a candidate, and without them they cannot discriminate on them (the vacancies' quality
check flags the same grounds). The JSON shape is documented in docs/citizens.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core.actions import action
from sil.core.params import parse_id
from sil.dossier.models import CV_SECTION_KEYS, Cv
from sil.dossier.queries import SECTIONS_BY_KEY, section_rows
from sil.people.models import Person

EUROPASS_XSD_VERSION = "V3.4"  # the Europass CV JSON structure we follow
FREE_TEXT_FIELDS = (
    "name",
    "headline",
    "summary",
    "desired_job",
    "extra_skills",
    "availability_note",
)


@dataclass
class CvContent:
    """A CV with its person and the dossier rows it shows, by section key."""

    cv: Cv
    person: Person
    rows: dict[str, list[Any]] = field(default_factory=dict)

    def sections(self) -> list[dict[str, Any]]:
        return [
            {"key": key, "title": SECTIONS_BY_KEY[key].title, "rows": self.rows.get(key, [])}
            for key in CV_SECTION_KEYS
        ]


def cv_content(cv: Cv, dossier: Mapping[str, list[Any]] | None = None) -> CvContent:
    """The rows of the CV (one query per dossier section unless `dossier` is given)."""
    person = cv.person
    all_rows = dossier if dossier is not None else section_rows(person)
    chosen = {}
    for key in CV_SECTION_KEYS:
        ids = set(cv.selected_ids(key))
        chosen[key] = [row for row in all_rows.get(key, []) if row.pk in ids]
    return CvContent(cv=cv, person=person, rows=chosen)


# --- exports -----------------------------------------------------------------------------


def _ymd(value: dt.date | None) -> dict[str, int] | None:
    if value is None:
        return None
    return {"Year": value.year, "Month": value.month, "Day": value.day}


def _coded(obj: Any) -> dict[str, str] | None:
    return {"Code": obj.code, "Label": obj.name} if obj is not None else None


def _contact(person: Person) -> dict[str, Any]:
    place = person.domicile_municipality or person.residence_municipality
    info: dict[str, Any] = {}
    if place is not None:
        info["Address"] = {
            "Contact": {
                "Municipality": str(place.name),
                "Country": {"Code": "IT", "Label": "Italia"},
            }
        }
    if person.email:
        info["Email"] = {"Contact": person.email}
    if person.phone:
        info["Telephone"] = [{"Contact": person.phone}]
    return info


def _work_experience(row: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Period": {"From": _ymd(row.start_date), "Current": row.end_date is None},
        "Employer": {"Name": row.employer_name},
    }
    if row.end_date:
        item["Period"]["To"] = _ymd(row.end_date)
    if row.profession is not None:
        item["Position"] = _coded(row.profession)
    if row.duties:
        item["Activities"] = row.duties
    if row.economic_activity is not None:
        item["Employer"]["Sector"] = _coded(row.economic_activity)
    if row.contract_type is not None:
        item["ContractType"] = _coded(row.contract_type)  # not in Europass: our addition
    return item


def _education(row: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"Title": row.title}
    if row.year:
        item["Period"] = {"To": {"Year": row.year}}
    if row.institution:
        item["Organisation"] = {"Name": row.institution}
    if row.level is not None:
        level = {"Code": row.level.code, "Label": row.level.name}
        if row.level.isced_level is not None:
            level["ISCED"] = str(row.level.isced_level)
        item["Level"] = level
    return item


def _training(row: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"Title": row.title, "Type": "training"}
    if row.year:
        item["Period"] = {"To": {"Year": row.year}}
    if row.provider:
        item["Organisation"] = {"Name": row.provider}
    if row.certificate:
        item["Activities"] = row.certificate
    return item


def _language(row: Any) -> dict[str, Any]:
    def code(level: Any) -> str | None:
        return level.code if level is not None else None

    return {
        "Description": {"Code": row.language},
        "ProficiencyLevel": {
            "Listening": code(row.understanding),
            "Reading": code(row.understanding),
            "SpokenInteraction": code(row.speaking),
            "SpokenProduction": code(row.speaking),
            "Writing": code(row.writing),
        },
    }


def europass_json(cv: Cv, content: CvContent | None = None) -> dict[str, Any]:
    """The CV as a Europass-like document (the `SkillsPassport` structure of Europass CV v3).

    Our additions sit under `Extensions` or are named in docs/citizens.md; values in Italian.
    """
    content = content or cv_content(cv)
    person, rows = content.person, content.rows
    skills: dict[str, Any] = {}
    if rows["lingue"]:
        skills["Linguistic"] = {"ForeignLanguage": [_language(row) for row in rows["lingue"]]}
    if rows["informatica"]:
        skills["Computer"] = {
            "Description": "; ".join(
                f"{row.name} ({row.get_level_display()})" if row.level else row.name
                for row in rows["informatica"]
            )
        }
    if rows["patenti"]:
        skills["Driving"] = {"Description": [row.category for row in rows["patenti"]]}
    if cv.extra_skills:
        skills["Other"] = {"Description": cv.extra_skills}
    learner: dict[str, Any] = {
        "Identification": {
            "PersonName": {"FirstName": person.first_name, "Surname": person.last_name},
            "ContactInfo": _contact(person),
        },
        "WorkExperience": [_work_experience(row) for row in rows["esperienze"]],
        "Education": [_education(row) for row in rows["titoli"]]
        + [_training(row) for row in rows["formazione"]],
        "Skills": skills,
        "Achievement": [
            {
                "Title": {"Code": "certificates", "Label": _("Patentini e abilitazioni")},
                "Description": ", ".join(
                    part for part in (row.name, row.issuer, row.number) if part
                ),
            }
            for row in rows["patentini"]
        ],
    }
    if cv.headline or cv.desired_job:
        learner["Headline"] = {
            "Type": (
                {"Code": "preferred_job", "Label": _("Lavoro desiderato")}
                if cv.desired_job
                else {"Code": "position", "Label": _("Profilo")}
            ),
            "Description": {"Label": cv.desired_job or cv.headline},
        }
    return {
        "SkillsPassport": {
            "Locale": "it",
            "DocumentInfo": {
                "DocumentType": "ECV",
                "CreationDate": timezone.now().replace(microsecond=0).isoformat(),
                "LastUpdateDate": cv.updated_at.replace(microsecond=0).isoformat()
                if cv.updated_at
                else None,
                "XSDVersion": EUROPASS_XSD_VERSION,
                "Generator": "OpenSIL",
            },
            "LearnerInfo": learner,
        },
        "Extensions": {
            "opensil": {
                "cv_id": cv.pk,
                "name": cv.name,
                "headline": cv.headline or None,
                "summary": cv.summary or None,
                "desired_job": cv.desired_job or None,
                "availability_note": cv.availability_note or None,
            }
        },
    }


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the CV print loads no external resource ({url})")


def render_pdf(cv: Cv, content: CvContent | None = None) -> bytes:
    """The CV as a PDF (WeasyPrint, loaded only when asked for; nothing fetched from outside)."""
    import weasyprint  # heavy: imported lazily

    content = content or cv_content(cv)
    html = render_to_string(
        "dossier/cv/cv_print.html",
        {"cv": cv, "content": content, "person": content.person, "printed_at": timezone.now()},
    )
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf


# --- writes ------------------------------------------------------------------------------


def clean_selection(person: Person, selection: Mapping[str, Any]) -> dict[str, list[int]]:
    """Keep only ids of rows that belong to `person` (one query per section given)."""
    cleaned: dict[str, list[int]] = {}
    for key in CV_SECTION_KEYS:
        wanted = {i for i in map(parse_id, selection.get(key) or []) if i is not None}
        if not wanted:
            cleaned[key] = []
            continue
        model = SECTIONS_BY_KEY[key].model
        owned = model.objects.for_person(person).filter(pk__in=wanted).values_list("pk", flat=True)
        cleaned[key] = sorted(owned)
    return cleaned


def _assign(cv: Cv, data: Mapping[str, Any], selection: Mapping[str, Any] | None) -> None:
    for name in FREE_TEXT_FIELDS:
        if name in data:
            setattr(cv, name, (data[name] or "").strip())
    if selection is not None:
        cv.selection = clean_selection(cv.person, selection)
    cv.full_clean(exclude=["person", "is_default"], validate_constraints=False)


def _make_default(cv: Cv) -> None:
    Cv.objects.for_person(cv.person_id).filter(is_default=True).exclude(pk=cv.pk).update(
        is_default=False
    )
    if not cv.is_default:
        cv.is_default = True
        cv.save(update_fields=["is_default", "updated_at"])


def do_create_cv(
    person: Person,
    data: Mapping[str, Any],
    selection: Mapping[str, Any] | None = None,
    *,
    make_default: bool = False,
    by: Any = None,
) -> Cv:
    """A new CV of `person`; the first one becomes the default."""
    cv = Cv(person=person)
    _assign(cv, data, selection or {})
    with action(by, "create_cv", person=person.pk):
        Person.objects.select_for_update().filter(pk=person.pk).first()
        first = not Cv.objects.for_person(person).exists()
        cv.save()
        if first or make_default:
            _make_default(cv)
    return cv


def do_update_cv(
    cv: Cv,
    data: Mapping[str, Any],
    selection: Mapping[str, Any] | None = None,
    *,
    by: Any = None,
) -> Cv:
    with action(by, "update_cv", person=cv.person_id, cv=cv.pk):
        # The person row stays locked too, as for the other CV writes.
        locked = (
            Cv.objects.select_for_update(of=("self", "person"))
            .select_related("person")
            .get(pk=cv.pk)
        )
        _assign(locked, data, selection)
        locked.save()
    cv.refresh_from_db()
    return cv


def do_set_default_cv(cv: Cv, *, by: Any = None) -> Cv:
    with action(by, "set_default_cv", person=cv.person_id, cv=cv.pk):
        Person.objects.select_for_update().filter(pk=cv.person_id).first()
        _make_default(cv)
    return cv


def do_duplicate_cv(cv: Cv, *, by: Any = None) -> Cv:
    """A copy to adapt for another kind of job; never the default."""
    name = _("Copia di %(name)s") % {"name": cv.name}
    copy = Cv(
        person_id=cv.person_id,
        name=name[: Cv._meta.get_field("name").max_length],
        headline=cv.headline,
        summary=cv.summary,
        desired_job=cv.desired_job,
        extra_skills=cv.extra_skills,
        availability_note=cv.availability_note,
        selection=dict(cv.selection or {}),
        is_default=False,
    )
    with action(by, "duplicate_cv", person=cv.person_id, cv=cv.pk):
        copy.save()
    return copy


def do_delete_cv(cv: Cv, *, by: Any = None) -> None:
    """Delete a CV; if it was the default, the most recently updated other CV takes its place.

    Applications already sent keep the copy of the CV taken when they were sent.
    """
    with action(by, "delete_cv", person=cv.person_id, cv=cv.pk):
        Person.objects.select_for_update().filter(pk=cv.person_id).first()
        was_default = cv.is_default
        cv.delete()
        if was_default:
            heir = Cv.objects.for_person(cv.person_id).order_by("-updated_at", "-id").first()
            if heir is not None:
                _make_default(heir)


def do_create_cv_from_dossier(person: Person, name: str, *, by: Any = None) -> Cv:
    """A CV with every row of the dossier (a quick start the citizen then trims)."""
    rows = section_rows(person)
    selection = {key: [row.pk for row in rows[key]] for key in CV_SECTION_KEYS}
    try:
        return do_create_cv(person, {"name": name}, selection, by=by)
    except IntegrityError as exc:  # two defaults at once: a concurrent first CV
        raise ValidationError(_("Riprovare: un altro CV è stato creato nel frattempo.")) from exc
