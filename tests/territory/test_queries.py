from __future__ import annotations

import datetime as dt

import pytest

from sil.territory.models import Competence, Country, Municipality, Office
from sil.territory.queries import (
    SAME_PROVINCE_KM,
    SAME_REGION_KM,
    competent_office,
    distance_km,
    municipality_for_cadastral_code,
)


def test_distance_with_coordinates(territory):
    napoli, pozzuoli, roma = territory["napoli"], territory["pozzuoli"], territory["roma"]
    assert distance_km(napoli, napoli) == 0
    assert 11 < distance_km(napoli, pozzuoli) < 14
    assert 185 < distance_km(napoli, roma) < 200
    assert distance_km(napoli, roma) == pytest.approx(distance_km(roma, napoli))


def test_distance_fallbacks_without_coordinates(territory):
    nola, napoli, sarno, roma = (
        territory["nola"],
        territory["napoli"],
        territory["sarno"],
        territory["roma"],
    )
    assert distance_km(nola, nola) == 0
    assert distance_km(nola, napoli) == SAME_PROVINCE_KM
    assert distance_km(nola, sarno) == SAME_REGION_KM
    assert distance_km(nola, roma) is None
    orphan = Municipality.objects.create(cadastral_code="X001", name="Senza provincia")
    assert distance_km(orphan, nola) is None


@pytest.mark.django_db
def test_cadastral_code_on_a_date():
    Municipality.objects.create(cadastral_code="A001", name="Abano", province_code="PD",
                                valid_from=dt.date(1866, 11, 19), valid_to=dt.date(1924, 11, 13))  # fmt: skip
    Municipality.objects.create(cadastral_code="A001", name="Abano Terme", province_code="PD",
                                valid_from=dt.date(1924, 11, 14))  # fmt: skip
    Country.objects.create(cadastral_code="Z118", name="Jugoslavia", valid_from=dt.date(1900, 1, 1),
                           valid_to=dt.date(2003, 2, 4))  # fmt: skip
    assert municipality_for_cadastral_code("A001", dt.date(1924, 11, 13)).name == "Abano"
    assert municipality_for_cadastral_code("A001", dt.date(1990, 5, 1)).name == "Abano Terme"
    assert municipality_for_cadastral_code("A001", dt.date(1850, 1, 1)) is None
    assert municipality_for_cadastral_code("A001").name == "Abano Terme"
    assert municipality_for_cadastral_code("Z118", dt.date(1970, 1, 1)).name == "Jugoslavia"
    assert municipality_for_cadastral_code("Z118", dt.date(2010, 1, 1)) is None
    assert municipality_for_cadastral_code("B999") is None


def test_competent_office(territory):
    assert competent_office(territory["napoli"]) is None
    cpi = Office.objects.create(kind="cpi", code="C1", name="CPI di Napoli")
    desk = Office.objects.create(kind="desk", code="D1", name="Sportello")
    Competence.objects.create(office=desk, municipality=territory["napoli"])
    assert competent_office(territory["napoli"]) is None
    Competence.objects.create(office=cpi, municipality=territory["napoli"])
    assert competent_office(territory["napoli"]) == cpi
    assert competent_office(territory["napoli"].pk) == cpi
    cpi.is_active = False
    cpi.save()
    assert competent_office(territory["napoli"]) is None
