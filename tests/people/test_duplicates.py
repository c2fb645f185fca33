"""Duplicate detector: each rule alone, the combined score, scoping and the command."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from sil.people.duplicates import duplicates_of, find_duplicates
from sil.people.models import Person
from sil.people.synthetic import omocodic_variant
from tests.factories import CountryFactory, MunicipalityFactory, OfficeFactory, PersonFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 6, 14)


@pytest.fixture
def naples():
    return MunicipalityFactory(naples=True)


def pairs_by_ids():
    return {frozenset((p.first_id, p.second_id)): p for p in find_duplicates()}


def test_no_pairs_among_distinct_people(naples):
    PersonFactory(last_name="Esposito", first_name="Anna", birth_municipality=naples)
    PersonFactory(last_name="Russo", first_name="Marco", birth_municipality=naples)
    assert find_duplicates() == []


def test_omocodic_variants_share_the_base_code(naples):
    first = PersonFactory(
        last_name="Esposito", first_name="Anna", birth_date=BORN, birth_municipality=naples
    )
    # Another person with the same base code (omocodia), different name and birth date.
    second = PersonFactory(
        fiscal_code=omocodic_variant(first.fiscal_code, 2),
        last_name="Zeta",
        first_name="Ugo",
        birth_date=dt.date(1970, 1, 1),
        birth_municipality=naples,
    )
    third = PersonFactory(
        fiscal_code=omocodic_variant(first.fiscal_code, 7),
        last_name="Kappa",
        first_name="Eva",
        birth_date=dt.date(1971, 1, 1),
        birth_municipality=naples,
    )
    pairs = pairs_by_ids()
    assert set(pairs) == {
        frozenset((first.pk, second.pk)),
        frozenset((first.pk, third.pk)),
        frozenset((second.pk, third.pk)),
    }
    pair = pairs[frozenset((first.pk, second.pk))]
    assert pair.reasons == ("same_base_fiscal_code",)
    assert pair.score == pytest.approx(0.6)
    assert pair.first_id < pair.second_id


def test_same_identity_with_different_codes(naples):
    first = PersonFactory(
        last_name="Esposito", first_name="Anna", birth_date=BORN, birth_municipality=naples
    )
    # A wrong code (e.g. typed by hand) for the same identity, accents and case differing.
    second = PersonFactory(
        fiscal_code="ESPNNA85H54F839X"[:15] + "Q",
        last_name="ESPÒSITO",
        first_name="anna",
        birth_date=BORN,
        birth_municipality=naples,
    )
    pairs = pairs_by_ids()
    pair = pairs[frozenset((first.pk, second.pk))]
    assert "same_identity" in pair.reasons
    assert "similar_name" not in pair.reasons
    assert pair.score >= 0.8


def test_same_identity_needs_the_same_birthplace(naples):
    PersonFactory(
        last_name="Esposito", first_name="Anna", birth_date=BORN, birth_municipality=naples
    )
    PersonFactory(
        fiscal_code="ESPNNA85H54Z129Q",
        last_name="Esposito",
        first_name="Anna",
        birth_date=BORN,
        birth_municipality=None,
        birth_country=CountryFactory(romania=True),
        residence_municipality=naples,
    )
    [pair] = find_duplicates()
    # Same name and date but born elsewhere: only the fuzzy rule (similarity 1) fires.
    assert pair.reasons == ("similar_name",)
    assert pair.similarity == pytest.approx(1.0)
    assert pair.score == pytest.approx(0.7)


def test_similar_names_with_the_same_birth_date(naples):
    first = PersonFactory(
        last_name="Esposito", first_name="Annamaria", birth_date=BORN, birth_municipality=naples
    )
    typo = PersonFactory(
        fiscal_code="ESPNMR85H54F839A",
        last_name="Espsito",
        first_name="Annamaria",
        birth_date=BORN,
        birth_municipality=naples,
    )
    swapped = PersonFactory(
        fiscal_code="NNMSPS85H54F839A",
        last_name="Annamaria",
        first_name="Esposito",
        birth_date=BORN,
        birth_municipality=naples,
    )
    other_day = PersonFactory(
        fiscal_code="ESPNMR85H55F839A",
        last_name="Esposito",
        first_name="Annamaria",
        birth_date=BORN + dt.timedelta(days=1),
        birth_municipality=naples,
    )
    pairs = pairs_by_ids()
    assert pairs[frozenset((first.pk, typo.pk))].reasons == ("similar_name",)
    assert pairs[frozenset((first.pk, swapped.pk))].reasons == ("similar_name",)
    assert not any(other_day.pk in key for key in pairs)
    # A stricter threshold drops the typo but keeps the exact swap.
    strict = {frozenset((p.first_id, p.second_id)) for p in find_duplicates(threshold=0.95)}
    assert frozenset((first.pk, swapped.pk)) in strict
    assert frozenset((first.pk, typo.pk)) not in strict


def test_more_reasons_rank_higher(naples):
    first = PersonFactory(
        last_name="Esposito", first_name="Anna", birth_date=BORN, birth_municipality=naples
    )
    both = PersonFactory(
        fiscal_code=omocodic_variant(first.fiscal_code, 1),
        last_name="Esposito",
        first_name="Anna",
        birth_date=BORN,
        birth_municipality=naples,
    )
    fuzzy = PersonFactory(
        fiscal_code="ESPNNA85H54F839Z",
        last_name="Esposto",
        first_name="Anna",
        birth_date=BORN,
        birth_municipality=naples,
    )
    pairs = find_duplicates()
    best = pairs[0]
    assert {best.first_id, best.second_id} == {first.pk, both.pk}
    assert best.reasons == ("same_base_fiscal_code", "same_identity")
    assert best.score == pytest.approx(1 - 0.4 * 0.2)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    assert fuzzy.pk in {p.second_id for p in pairs} | {p.first_id for p in pairs}


def test_scoped_to_a_queryset_and_to_one_person(naples):
    office = OfficeFactory()
    first = PersonFactory(
        last_name="Esposito",
        first_name="Anna",
        birth_date=BORN,
        birth_municipality=naples,
        competent_office=office,
    )
    second = PersonFactory(
        fiscal_code=omocodic_variant(first.fiscal_code, 1),
        last_name="Esposito",
        first_name="Anna",
        birth_date=BORN,
        birth_municipality=naples,
    )
    assert find_duplicates(people=Person.objects.filter(competent_office=office)) == []
    [pair] = duplicates_of(second)
    assert {pair.first_id, pair.second_id} == {first.pk, second.pk}
    assert duplicates_of(PersonFactory(last_name="Altro", first_name="Ugo")) == []


def test_duplicates_command_json(naples):
    first = PersonFactory(
        last_name="Esposito", first_name="Anna", birth_date=BORN, birth_municipality=naples
    )
    PersonFactory(
        fiscal_code=omocodic_variant(first.fiscal_code, 1),
        last_name="Esposito",
        first_name="Anna",
        birth_date=BORN,
        birth_municipality=naples,
    )
    out = io.StringIO()
    call_command("people", "duplicates", "--json", stdout=out)
    [item] = json.loads(out.getvalue())
    assert item["reasons"] == ["same_base_fiscal_code", "same_identity"]
    assert {p["fiscal_code"] for p in item["people"]} == set(
        Person.objects.values_list("fiscal_code", flat=True)
    )
    out = io.StringIO()
    call_command("people", "duplicates", stdout=out)
    assert "1 possibili doppioni." in out.getvalue()
    assert first.fiscal_code in out.getvalue()


def test_detector_runs_in_a_bounded_number_of_queries(naples, django_assert_num_queries):
    for number in range(5):
        PersonFactory(last_name=f"Esposito{number}", first_name="Anna", birth_date=BORN)
    with django_assert_num_queries(2):  # the detector, then both people of every pair at once
        pairs = find_duplicates(with_people=True)
    assert pairs
