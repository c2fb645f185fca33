import pytest
from django.core.management import CommandError, call_command

from sil.core import fiscal_code as cf
from sil.people.codes import decode
from sil.people.models import Person
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campania():
    naples = MunicipalityFactory(naples=True)
    pozzuoli = MunicipalityFactory(name="Pozzuoli", province=naples.province)
    salerno = MunicipalityFactory(salerno=True)
    avellino = MunicipalityFactory(name="Avellino", province=ProvinceFactory(avellino=True))
    MunicipalityFactory(naples=True, istat_code="", abolished=True, cadastral_code="Y900")
    rome = MunicipalityFactory(rome=True)
    cpi = OfficeFactory(name="CPI Napoli")
    CompetenceFactory(office=cpi, municipality=naples)
    CompetenceFactory(office=cpi, municipality=pozzuoli)
    return {
        "cpi": cpi,
        "served": {naples, pozzuoli},
        "all": {naples, pozzuoli, salerno, avellino},
        "rome": rome,
    }


def run(**options):
    call_command("demo_people", force=True, **options)


def test_demo_people_are_campanian_with_valid_codes(campania):
    run(count=60)
    people = list(Person.objects.with_places())
    assert len(people) == 60
    for person in people:
        assert cf.is_valid(person.fiscal_code)
        decoded = decode(person.fiscal_code, declared_birth_date=person.birth_date)
        assert decoded.sex == person.sex
        assert decoded.birth_date == person.birth_date
        assert decoded.cadastral_code == person.birthplace.cadastral_code
        assert person.residence_municipality in campania["all"]
        assert person.residence_municipality.is_current
        place = person.domicile_municipality or person.residence_municipality
        expected = campania["cpi"] if place in campania["served"] else None
        assert person.competent_office == expected
    assert any(p.competent_office is None for p in people)
    assert any(p.competent_office is not None for p in people)


def test_demo_people_is_idempotent(campania, capsys):
    run(count=40)
    codes = set(Person.objects.values_list("fiscal_code", flat=True))
    assert "40 create" in capsys.readouterr().out
    run(count=40)
    assert "0 create, 40 già presenti" in capsys.readouterr().out
    assert set(Person.objects.values_list("fiscal_code", flat=True)) == codes
    run(count=50)
    assert Person.objects.count() == 50
    assert codes < set(Person.objects.values_list("fiscal_code", flat=True))


def test_demo_people_without_cpis_leaves_office_empty():
    MunicipalityFactory(naples=True)
    run(count=10)
    assert Person.objects.count() == 10
    assert not Person.objects.filter(competent_office__isnull=False).exists()


def test_demo_people_refuses_outside_demo_mode(campania, settings):
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_people", count=5)
    assert not Person.objects.exists()
    settings.DEMO = True
    call_command("demo_people", count=5)
    assert Person.objects.count() == 5


def test_demo_people_needs_campania():
    MunicipalityFactory(rome=True)
    with pytest.raises(CommandError, match="Campania"):
        run(count=5)
