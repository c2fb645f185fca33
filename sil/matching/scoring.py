"""Scoring of one candidate against one vacancy: pure functions, no database.

Each criterion returns a score in [0, 1], the weight it carries and one Italian sentence that
says why. A criterion the vacancy does not ask for (no languages, no licences…) carries weight 0
and says so: it neither helps nor hurts. The total is the weighted mean of the criteria times 100.
Hard filters (requirements marked as indispensable, vacancies reserved to L. 68/1999) do not
change the score: they fill `excluded_by`, and the ranked lists drop those candidates in SQL.
"""

from __future__ import annotations

import contextvars
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import ngettext as django_ngettext

# While ranking a pool only the numbers matter: sentences are then left untranslated (gettext
# is most of the cost of scoring) and only the shown top is scored again with explanations.
_NUMBERS_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "matching_numbers_only", default=False
)


def _(message: str) -> str:
    return message if _NUMBERS_ONLY.get() else gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    if _NUMBERS_ONLY.get():
        return singular if number == 1 else plural
    return django_ngettext(singular, plural, number)


# Default weights of version 2026.1 (the migration seeds them; WeightSet rows override).
DEFAULT_WEIGHTS: dict[str, float] = {
    "profession": 30.0,
    "distance": 20.0,
    "availability": 10.0,
    "education": 8.0,
    "languages": 7.0,
    "licences": 7.0,
    "experience": 12.0,
    "text": 6.0,
}
DEFAULT_VERSION = "2026.1"
# A person who states no mobility radius is assumed to commute this far.
DEFAULT_RADIUS_KM = 30
# Distance tiers: up to `km` the distance score is `score`.
DISTANCE_TIERS: tuple[tuple[float, float], ...] = (
    (10, 1.0),
    (25, 0.85),
    (50, 0.6),
    (100, 0.3),
)
FAR_SCORE = 0.1
BEYOND_RADIUS_FACTOR = 0.5
# Profession tiers by the deepest CP level shared with the vacancy's code.
PROFESSION_TIERS: dict[int, float] = {5: 1.0, 4: 0.8, 3: 0.5, 2: 0.25}
CROSSWALK_SCORE = 0.6
# Experience counts fully from this many months when the vacancy asks for none.
EXPERIENCE_SATURATION_MONTHS = 12
TEXT_SCALE = 5.0

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")  # position 1…6

LANGUAGE_NAMES: dict[str, str] = {
    "en": "inglese",
    "fr": "francese",
    "de": "tedesco",
    "es": "spagnolo",
    "pt": "portoghese",
    "ru": "russo",
    "zh": "cinese",
    "ar": "arabo",
    "it": "italiano",
    "ro": "rumeno",
    "uk": "ucraino",
    "pl": "polacco",
    "nl": "olandese",
    "ja": "giapponese",
}


@dataclass(frozen=True, slots=True)
class Criterion:
    score: float
    weight: float
    explanation: str

    def as_dict(self) -> dict[str, float | str]:
        return {"score": self.score, "weight": self.weight, "explanation": self.explanation}


@dataclass(slots=True)
class Match:
    person_id: int
    vacancy_id: int
    score: float
    criteria: dict[str, Criterion]
    weights_version: str
    excluded_by: list[str] = field(default_factory=list)

    def criteria_dict(self) -> dict[str, dict[str, float | str]]:
        return {name: criterion.as_dict() for name, criterion in self.criteria.items()}


@dataclass(frozen=True, slots=True)
class LanguageNeed:
    language: str
    position: int  # CEFR position 1…6
    required: bool


@dataclass(frozen=True, slots=True)
class VacancyFacts:
    vacancy_id: int
    profession_code: str
    # Names of the vacancy's profession and of its ancestors, by CP code.
    profession_names: Mapping[str, str]
    isco_codes: frozenset[str]
    latitude: float | None
    longitude: float | None
    municipality_name: str
    contract_code: str = ""
    contract_name: str = ""
    working_time: str = "full"
    shifts: bool = False
    education_position: int | None = None
    education_name: str = ""
    education_required: bool = False
    experience_months: int = 0
    experience_required: bool = False
    languages: tuple[LanguageNeed, ...] = ()
    driving_licences: tuple[str, ...] = ()
    licence_required: bool = False
    targeted_l68: bool = False


@dataclass(frozen=True, slots=True)
class CandidateFacts:
    person_id: int
    professions: frozenset[str]
    isco_codes: frozenset[str]
    experience_months: Mapping[str, int]
    latitude: float | None
    longitude: float | None
    municipality_name: str
    mobility_radius_km: int | None
    contract_types: frozenset[str] = frozenset()
    working_time: str = "any"
    shifts: bool = False
    education_position: int | None = None
    education_name: str = ""
    language_levels: Mapping[str, int] = field(default_factory=dict)
    driving_licences: frozenset[str] = frozenset()
    l68_listed: bool = False
    text_rank: float = 0.0


def cp_prefixes(code: str) -> list[str]:
    """'5.1.2.2.0' → ['5', '5.1', '5.1.2', '5.1.2.2', '5.1.2.2.0']."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def cp_prefix(code: str, level: int) -> str:
    return ".".join(code.split(".")[:level])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def cefr(position: int) -> str:
    return CEFR[position - 1] if 1 <= position <= len(CEFR) else "?"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _km(value: float) -> str:
    return f"{value:.0f}"


# --- criteria ------------------------------------------------------------------------------


def score_profession(v: VacancyFacts, c: CandidateFacts, weight: float) -> Criterion:
    levels = len(v.profession_code.split("."))
    for level in range(levels, 1, -1):
        prefix = cp_prefix(v.profession_code, level)
        if prefix in c.professions:
            tier = PROFESSION_TIERS.get(level + (5 - levels), 0.0)
            if c.isco_codes & v.isco_codes and tier < CROSSWALK_SCORE:
                break
            name = v.profession_names.get(prefix, "")
            if level == levels:
                text = _("Ha esperienza nella stessa professione: %(code)s %(name)s.")
            else:
                text = _(
                    "Ha esperienza in una professione affine (stesso gruppo CP %(code)s %(name)s)."
                )
            return Criterion(tier, weight, text % {"code": prefix, "name": name})
    if c.isco_codes & v.isco_codes:
        codes = ", ".join(sorted(c.isco_codes & v.isco_codes))
        return Criterion(
            CROSSWALK_SCORE,
            weight,
            _("Professione corrispondente secondo ESCO/ISCO (gruppo ISCO %(codes)s).")
            % {"codes": codes},
        )
    return Criterion(
        0.0,
        weight,
        _("Nessuna esperienza nella professione richiesta (%(code)s %(name)s).")
        % {
            "code": v.profession_code,
            "name": v.profession_names.get(v.profession_code, ""),
        },
    )


def distance_km(v: VacancyFacts, c: CandidateFacts) -> float | None:
    if None in (v.latitude, v.longitude, c.latitude, c.longitude):
        return None
    return haversine_km(v.latitude, v.longitude, c.latitude, c.longitude)  # type: ignore[arg-type]


def score_distance(v: VacancyFacts, c: CandidateFacts, weight: float) -> Criterion:
    km = distance_km(v, c)
    if km is None:
        return Criterion(
            0.3, weight, _("Distanza non calcolabile: manca il comune di domicilio o residenza.")
        )
    radius = c.mobility_radius_km if c.mobility_radius_km is not None else DEFAULT_RADIUS_KM
    score = next((s for limit, s in DISTANCE_TIERS if km <= limit), FAR_SCORE)
    place = v.municipality_name
    if c.municipality_name and c.municipality_name == place and km < 1:
        where = _("Abita nello stesso comune del luogo di lavoro (%(place)s)") % {"place": place}
    else:
        where = _("%(km)s km da %(place)s") % {"km": _km(km), "place": place}
    values = {"where": where, "radius": radius}
    if km <= radius:
        text = _("%(where)s, entro il raggio di %(radius)s km.") % values
    else:
        score *= BEYOND_RADIUS_FACTOR
        text = _("%(where)s, oltre il raggio di %(radius)s km indicato dalla persona.") % values
    if c.mobility_radius_km is None:
        text += " " + _("Raggio non indicato: si assumono %(default)s km.") % {
            "default": DEFAULT_RADIUS_KM
        }
    return Criterion(score, weight, text)


_WORKING_TIME = {
    "full": gettext_lazy("tempo pieno"),
    "part": gettext_lazy("tempo parziale"),
    "any": gettext_lazy("indifferente"),
}


def _time_name(code: str) -> str:
    # The lazy names would be translated even while only the numbers are wanted.
    return code if _NUMBERS_ONLY.get() else str(_WORKING_TIME.get(code, code))


def score_availability(v: VacancyFacts, c: CandidateFacts, weight: float) -> Criterion:
    parts: list[str] = []
    contract = 1.0
    if v.contract_code and c.contract_types:
        if v.contract_code in c.contract_types:
            parts.append(
                _("disponibile al contratto offerto (%(name)s)") % {"name": v.contract_name}
            )
        else:
            contract = 0.3
            parts.append(
                _("non ha indicato il contratto offerto (%(name)s)") % {"name": v.contract_name}
            )
    else:
        parts.append(_("nessun vincolo sul tipo di contratto"))
    time = 1.0
    if c.working_time in ("any", v.working_time) or v.working_time == "any":
        parts.append(_("orario compatibile (%(time)s)") % {"time": _time_name(v.working_time)})
    else:
        time = 0.3
        parts.append(
            _("cerca un orario diverso (%(wanted)s, offerto %(offered)s)")
            % {
                "wanted": _time_name(c.working_time),
                "offered": _time_name(v.working_time),
            }
        )
    score = (contract + time) / 2
    if v.shifts:
        if c.shifts:
            parts.append(_("disponibile a turni"))
        else:
            score *= 0.5
            parts.append(_("non ha dichiarato disponibilità a turni"))
    sentence = "; ".join(parts)
    return Criterion(score, weight, sentence[:1].upper() + sentence[1:] + ".")


def score_education(v: VacancyFacts, c: CandidateFacts, weight: float) -> Criterion:
    if v.education_position is None:
        return Criterion(1.0, 0.0, _("Nessun titolo di studio richiesto: non conta nel punteggio."))
    if c.education_position is None:
        return Criterion(
            0.0,
            weight,
            _("Titolo di studio non indicato nel fascicolo (richiesto: %(required)s).")
            % {"required": v.education_name},
        )
    values = {"held": c.education_name, "required": v.education_name}
    if c.education_position > v.education_position:
        return Criterion(
            1.0,
            weight,
            _("Titolo superiore al richiesto: %(held)s (richiesto %(required)s).") % values,
        )
    if c.education_position == v.education_position:
        return Criterion(1.0, weight, _("Possiede il titolo richiesto: %(held)s.") % values)
    return Criterion(
        0.3, weight, _("Titolo inferiore al richiesto: %(held)s (richiesto %(required)s).") % values
    )


def score_languages(v: VacancyFacts, c: CandidateFacts, weight: float) -> Criterion:
    if not v.languages:
        return Criterion(1.0, 0.0, _("Nessuna lingua richiesta: non conta nel punteggio."))
    parts, total = [], 0.0
    for need in v.languages:
        held = c.language_levels.get(need.language)
        values = {
            "language": language_name(need.language),
            "held": cefr(held) if held else "",
            "required": cefr(need.position),
        }
        if held is None:
            parts.append(_("%(language)s non indicato (richiesto %(required)s)") % values)
        elif held >= need.position:
            total += 1.0
            parts.append(_("%(language)s %(held)s (richiesto %(required)s)") % values)
        else:
            total += 0.5 if held == need.position - 1 else 0.0
            parts.append(_("%(language)s %(held)s, sotto il %(required)s richiesto") % values)
    sentence = "; ".join(parts)
    return Criterion(total / len(v.languages), weight, sentence[:1].upper() + sentence[1:] + ".")


def score_licences(v: VacancyFacts, c: CandidateFacts, weight: float) -> Criterion:
    if not v.driving_licences:
        return Criterion(1.0, 0.0, _("Nessuna patente richiesta: non conta nel punteggio."))
    held = [cat for cat in v.driving_licences if cat in c.driving_licences]
    missing = [cat for cat in v.driving_licences if cat not in c.driving_licences]
    if not missing:
        text = ngettext(
            "Ha la patente richiesta (%(held)s).",
            "Ha le patenti richieste (%(held)s).",
            len(held),
        ) % {"held": ", ".join(held)}
    else:
        text = ngettext(
            "Manca la patente %(missing)s.", "Mancano le patenti %(missing)s.", len(missing)
        ) % {"missing": ", ".join(missing)}
    return Criterion(len(held) / len(v.driving_licences), weight, text)


def experience_in(v: VacancyFacts, c: CandidateFacts) -> tuple[int, str]:
    """Months of experience in the vacancy's profession: its CP4 group (or the exact code)."""
    levels = len(v.profession_code.split("."))
    key = cp_prefix(v.profession_code, min(4, levels))
    return int(c.experience_months.get(key, 0)), key


def score_experience(v: VacancyFacts, c: CandidateFacts, weight: float) -> Criterion:
    months, key = experience_in(v, c)
    values = {
        "months": months,
        "required": v.experience_months,
        "group": f"{key} {v.profession_names.get(key, '')}".strip(),
    }
    target = v.experience_months or EXPERIENCE_SATURATION_MONTHS
    score = min(1.0, months / target) if target else 1.0
    if months == 0:
        text = _("Nessuna esperienza nel gruppo %(group)s") % values
    else:
        text = (
            ngettext(
                "%(months)s mese di esperienza nel gruppo %(group)s",
                "%(months)s mesi di esperienza nel gruppo %(group)s",
                months,
            )
            % values
        )
    if v.experience_months:
        text += _(" (richiesti %(required)s).") % values
    else:
        text += "."
    return Criterion(score, weight, text)


def score_text(c: CandidateFacts, weight: float) -> Criterion:
    score = min(1.0, c.text_rank * TEXT_SCALE)
    if score <= 0:
        text = _("Le parole dell'offerta non compaiono nel profilo.")
    else:
        text = _(
            "Parole dell'offerta presenti nel profilo (mansioni, corsi, competenze): %(pct)s%%."
        )
        text = text % {"pct": f"{score * 100:.0f}"}
    return Criterion(score, weight, text)


# --- hard filters and the whole score --------------------------------------------------------


def exclusions(v: VacancyFacts, c: CandidateFacts) -> list[str]:
    """The indispensable requirements the candidate does not meet (criterion names)."""
    excluded = []
    if v.targeted_l68 and not c.l68_listed:
        excluded.append("l68")
    if (
        v.education_required
        and v.education_position is not None
        and (c.education_position is None or c.education_position < v.education_position)
    ):
        excluded.append("education")
    if (
        v.experience_required
        and v.experience_months
        and experience_in(v, c)[0] < v.experience_months
    ):
        excluded.append("experience")
    if v.licence_required and any(cat not in c.driving_licences for cat in v.driving_licences):
        excluded.append("licences")
    if any(
        need.required and c.language_levels.get(need.language, 0) < need.position
        for need in v.languages
    ):
        excluded.append("languages")
    return excluded


def score(
    v: VacancyFacts,
    c: CandidateFacts,
    weights: Mapping[str, float],
    version: str,
) -> Match:
    def w(name: str) -> float:
        return float(weights.get(name, 0.0))

    criteria = {
        "profession": score_profession(v, c, w("profession")),
        "distance": score_distance(v, c, w("distance")),
        "availability": score_availability(v, c, w("availability")),
        "education": score_education(v, c, w("education")),
        "languages": score_languages(v, c, w("languages")),
        "licences": score_licences(v, c, w("licences")),
        "experience": score_experience(v, c, w("experience")),
        "text": score_text(c, w("text")),
    }
    total_weight = sum(criterion.weight for criterion in criteria.values())
    total = (
        sum(criterion.score * criterion.weight for criterion in criteria.values()) / total_weight
        if total_weight
        else 0.0
    )
    return Match(
        person_id=c.person_id,
        vacancy_id=v.vacancy_id,
        score=round(total * 100, 2),
        criteria=criteria,
        weights_version=version,
        excluded_by=exclusions(v, c),
    )


def quick_score(v: VacancyFacts, c: CandidateFacts, weights: Mapping[str, float]) -> Match:
    """The same score without translated explanations: for ranking a pool before the top is
    explained with `score`."""
    token = _NUMBERS_ONLY.set(True)
    try:
        return score(v, c, weights, "")
    finally:
        _NUMBERS_ONLY.reset(token)
