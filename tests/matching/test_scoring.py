"""Scoring rules, hard filters and explanations: pure functions, no database."""

from __future__ import annotations

import pytest

from sil.matching.scoring import (
    DEFAULT_WEIGHTS,
    CandidateFacts,
    LanguageNeed,
    VacancyFacts,
    cp_prefixes,
    exclusions,
    score,
    score_availability,
    score_distance,
    score_education,
    score_experience,
    score_languages,
    score_licences,
    score_profession,
    score_text,
)

NAPLES = (40.8518, 14.2681)
POZZUOLI = (40.8231, 14.1222)
MILAN = (45.4642, 9.19)


def vacancy(**fields) -> VacancyFacts:
    base = {
        "vacancy_id": 1,
        "profession_code": "5.1.2.2.0",
        "profession_names": {"5.1.2.2.0": "Commessi delle vendite al minuto", "5.1.2": "Addetti"},
        "isco_codes": frozenset({"5223"}),
        "latitude": NAPLES[0],
        "longitude": NAPLES[1],
        "municipality_name": "Napoli",
    }
    return VacancyFacts(**(base | fields))


def candidate(codes=("5.1.2.2.0",), place=POZZUOLI, **fields) -> CandidateFacts:
    base = {
        "person_id": 7,
        "professions": frozenset(p for code in codes for p in cp_prefixes(code)),
        "isco_codes": frozenset(),
        "experience_months": {},
        "latitude": place[0] if place else None,
        "longitude": place[1] if place else None,
        "municipality_name": "Pozzuoli",
        "mobility_radius_km": 30,
    }
    return CandidateFacts(**(base | fields))


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (("5.1.2.2.0",), 1.0),
        (("5.1.2.2.9",), 0.8),
        (("5.1.2.9.0",), 0.5),
        (("5.1.9.1.0",), 0.25),
        (("6.1.2.2.0",), 0.0),
        ((), 0.0),
    ],
)
def test_profession_tiers_follow_the_cp_hierarchy(codes, expected):
    assert score_profession(vacancy(), candidate(codes), 30).score == expected


def test_profession_through_the_esco_isco_crosswalk():
    far = candidate(("7.1.1.1.0",), isco_codes=frozenset({"5223"}))
    result = score_profession(vacancy(), far, 30)
    assert result.score == 0.6
    assert "ISCO 5223" in result.explanation
    # A closer CP match wins over the crosswalk.
    same = candidate(("5.1.2.2.0",), isco_codes=frozenset({"5223"}))
    assert score_profession(vacancy(), same, 30).score == 1.0


def test_profession_explanation_names_the_profession():
    text = score_profession(vacancy(), candidate(), 30).explanation
    assert text == (
        "Ha esperienza nella stessa professione: 5.1.2.2.0 Commessi delle vendite al minuto."
    )
    assert (
        "stesso gruppo CP 5.1.2 Addetti"
        in score_profession(vacancy(), candidate(("5.1.2.9.0",)), 30).explanation
    )


def test_distance_explanation_says_km_place_and_radius():
    result = score_distance(vacancy(), candidate(), 20)
    assert result.explanation == "13 km da Napoli, entro il raggio di 30 km."
    assert result.score == 0.85
    assert result.weight == 20


def test_distance_beyond_the_persons_radius_halves_the_score():
    near_but_unwilling = candidate(mobility_radius_km=5)
    result = score_distance(vacancy(), near_but_unwilling, 20)
    assert result.score == pytest.approx(0.425)
    assert "oltre il raggio di 5 km" in result.explanation


def test_distance_far_and_unknown():
    assert score_distance(vacancy(), candidate(place=MILAN), 20).score == pytest.approx(0.05)
    unknown = score_distance(vacancy(), candidate(place=None), 20)
    assert unknown.score == 0.3
    assert "non calcolabile" in unknown.explanation


def test_distance_default_radius_is_explained():
    result = score_distance(vacancy(), candidate(mobility_radius_km=None), 20)
    assert "si assumono 30 km" in result.explanation


def test_availability_contract_working_time_and_shifts():
    v = vacancy(contract_code="A.01.00", contract_name="Tempo indeterminato", shifts=True)
    fits = candidate(contract_types=frozenset({"A.01.00"}), working_time="full", shifts=True)
    assert score_availability(v, fits, 10).score == 1.0
    wrong = candidate(contract_types=frozenset({"A.02.00"}), working_time="part")
    result = score_availability(v, wrong, 10)
    assert result.score == pytest.approx(0.15)
    assert result.explanation.startswith(
        "Non ha indicato il contratto offerto (Tempo indeterminato);"
    )
    assert "tempo parziale" in result.explanation
    assert "turni" in result.explanation


def test_education_meets_exceeds_below_and_not_asked():
    v = vacancy(education_position=6, education_name="Diploma")
    assert (
        score_education(v, candidate(education_position=6, education_name="Diploma"), 8).score == 1
    )
    above = score_education(v, candidate(education_position=10, education_name="Laurea"), 8)
    assert above.score == 1 and "superiore" in above.explanation
    below = score_education(v, candidate(education_position=3, education_name="Licenza"), 8)
    assert below.score == 0.3 and "inferiore" in below.explanation
    not_asked = score_education(vacancy(), candidate(), 8)
    assert not_asked.weight == 0 and "non conta" in not_asked.explanation


def test_languages_per_language_level():
    v = vacancy(languages=(LanguageNeed("en", 4, False), LanguageNeed("de", 3, False)))
    result = score_languages(v, candidate(language_levels={"en": 5, "de": 2}), 7)
    assert result.score == pytest.approx(0.75)  # en ok, de one level short
    assert result.explanation == "Inglese C1 (richiesto B2); tedesco A2, sotto il B1 richiesto."


def test_licences_fraction_held():
    v = vacancy(driving_licences=("B", "C"))
    result = score_licences(v, candidate(driving_licences=frozenset({"B"})), 7)
    assert result.score == 0.5
    assert result.explanation == "Manca la patente C."


def test_experience_against_required_months():
    v = vacancy(experience_months=24)
    result = score_experience(v, candidate(experience_months={"5.1.2.2": 12}), 12)
    assert result.score == 0.5
    assert "12 mesi di esperienza nel gruppo 5.1.2.2" in result.explanation
    assert "(richiesti 24)" in result.explanation
    assert score_experience(vacancy(), candidate(experience_months={"5.1.2.2": 30}), 12).score == 1


def test_text_rank_is_normalised():
    assert score_text(candidate(text_rank=0.0), 6).score == 0
    assert score_text(candidate(text_rank=0.1), 6).score == pytest.approx(0.5)
    assert score_text(candidate(text_rank=0.9), 6).score == 1.0


def test_hard_filters_name_the_unmet_requirements():
    v = vacancy(
        education_position=6,
        education_required=True,
        experience_months=12,
        experience_required=True,
        driving_licences=("C",),
        licence_required=True,
        languages=(LanguageNeed("en", 4, True),),
        targeted_l68=True,
    )
    assert exclusions(v, candidate()) == ["l68", "education", "experience", "licences", "languages"]
    ok = candidate(
        education_position=6,
        experience_months={"5.1.2.2": 12},
        driving_licences=frozenset({"C"}),
        language_levels={"en": 4},
        l68_listed=True,
    )
    assert exclusions(v, ok) == []


def test_total_is_the_weighted_mean_of_applicable_criteria():
    match = score(vacancy(), candidate(experience_months={"5.1.2.2": 24}), DEFAULT_WEIGHTS, "t")
    applicable = {k: c for k, c in match.criteria.items() if c.weight}
    assert set(applicable) == {"profession", "distance", "availability", "experience", "text"}
    expected = sum(c.score * c.weight for c in applicable.values()) / sum(
        c.weight for c in applicable.values()
    )
    assert match.score == pytest.approx(round(expected * 100, 2))
    assert match.weights_version == "t"
    assert set(match.criteria_dict()["distance"]) == {"score", "weight", "explanation"}
