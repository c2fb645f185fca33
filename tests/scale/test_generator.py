"""The synthetic Region: deterministic, resumable, realistic shares, valid codici fiscali."""

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from sil.core import fiscal_code as cf
from sil.core.models import BulkLoad
from sil.did.models import Did
from sil.people.models import Person
from sil.scale import generator, sections
from tests.factories import CompetenceFactory, CountryFactory, MunicipalityFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    big = MunicipalityFactory(naples=True, population=9000)
    small = MunicipalityFactory(name="Piccolo", population=1000)
    CompetenceFactory(office=OfficeFactory(name="CPI Napoli"), municipality=big)
    CountryFactory(romania=True)
    CountryFactory(morocco=True)
    return big, small


def codes():
    return list(Person.objects.order_by("id").values_list("fiscal_code", flat=True))


def test_draws_are_deterministic_and_prefix_stable(region):
    ref = generator.Reference.load()
    first = generator.draw_chunk(ref, 5, 0, 200)
    assert generator.draw_chunk(ref, 5, 0, 200) == first
    assert generator.draw_chunk(ref, 5, 0, 80) == first[:80]
    assert generator.draw_chunk(ref, 6, 0, 80) != first[:80]


def test_every_code_is_valid_and_decodes_to_the_person(region):
    generator.generate(1000, seed=3)
    people = list(Person.objects.select_related("birth_municipality", "birth_country"))
    assert len(people) == 1000
    for person in people:
        assert cf.validate(person.fiscal_code) == [], person.fiscal_code
        decoded = cf.decode(person.fiscal_code, declared_birth_date=person.birth_date)
        assert decoded.sex == person.sex
        assert decoded.birth_date == person.birth_date
        assert decoded.cadastral_code == person.birthplace.cadastral_code
    omocodic = sum(cf.is_omocodic(p.fiscal_code) for p in people)
    foreign = sum(p.birth_country_id is not None for p in people)
    assert omocodic >= 1  # namesakes of the previous person (0.3 %) and real collisions
    assert 0.06 <= foreign / len(people) <= 0.14
    assert len({p.fiscal_code for p in people}) == len(people)


def test_residences_follow_population(region):
    big, _small = region
    generator.generate(2000, seed=4)
    shares = Counter(Person.objects.values_list("residence_municipality_id", flat=True))
    assert 0.86 <= shares[big.pk] / 2000 <= 0.94
    # The competent CPI follows the residence (or the domicile, where the region says so).
    served = Person.objects.filter(residence_municipality=big, domicile_municipality=None)
    assert served.exists()
    assert not served.filter(competent_office=None).exists()


def test_rerun_skips_and_a_larger_run_adds_only_new_people(region):
    first = generator.generate(300, seed=9)
    assert (first["created"], first["skipped"]) == (300, 0)
    stored = codes()
    again = generator.generate(300, seed=9)
    assert (again["created"], again["skipped"]) == (0, 300)
    assert codes() == stored
    more = generator.generate(450, seed=9)
    assert (more["created"], more["skipped"]) == (150, 300)
    assert codes()[:300] == stored
    # The same 450 people as a single run would make.
    ref = generator.Reference.load()
    drawn = generator.draw_chunk(ref, 9, 0, 450)
    assert [p.last_name for p in drawn] == list(
        Person.objects.order_by("id").values_list("last_name", flat=True)
    )
    assert BulkLoad.objects.filter(kind=generator.KIND).count() == 2


def test_dids_have_consistent_events_and_no_row_history(region):
    from django.apps import apps

    generator.generate(400, seed=2)
    dids = list(Did.objects.with_history())
    assert 0.4 <= len(dids) / 400 <= 0.7
    states = Counter(did.state for did in dids)
    assert states["active"] > states["suspended"] > 0
    for did in dids:
        events = list(did.events.all())
        assert events[0].kind == "declare"
        assert events[-1].state_after == did.state
        assert (did.state == "suspended") == bool(list(did.suspensions.all()))
    # One batch record per chunk replaces the per-row history of the generated rows.
    assert apps.get_model("people", "PersonEvent").objects.count() == 0
    batch = BulkLoad.objects.get(kind=generator.KIND)
    assert (batch.rows, batch.created, batch.row_history) == (400, 400, False)
    assert batch.details["dids"] == len(dids)


def test_demo_data_command_and_sections(region):
    calls = []

    def employers(seed, counts, progress):
        calls.append((seed, counts))
        return {"employers": counts["employers"]}

    sections.register("test-employers", employers, order=5)
    try:
        out = io.StringIO()
        call_command(
            "demo_data", "--people", "60", "--seed", "11", "--employers", "7", "--json", stdout=out
        )
    finally:
        sections.unregister("test-employers")
    summary = json.loads(out.getvalue())
    assert summary["created"] == 60
    assert {"seconds", "people_per_s", "omocodic", "foreign_born", "dossier"} <= set(summary)
    assert summary["sections"]["test-employers"] == {"employers": 7}
    assert calls == [(11, {"people": 60, "employers": 7, "vacancies": 0})]
