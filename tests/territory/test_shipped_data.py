"""The reference files that ship with OpenSIL load completely and idempotently with no folder
given; the demo region is built on them (one load for the whole module)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from sil.classifications import refdata as classifications
from sil.classifications.models import (
    EconomicActivity,
    EducationLevel,
    EscoOccupation,
    EscoProfessionMapping,
    IscoGroup,
    LanguageLevel,
    Profession,
)
from sil.core.commands import ErrorLog
from sil.territory import refdata as territory
from sil.territory.demo import PROVINCES, Place, allocate, do_setup_demo_offices, split
from sil.territory.models import (
    Competence,
    Country,
    Municipality,
    Office,
    OfficeKind,
    Province,
    Region,
)
from sil.territory.queries import distance_km, municipality_for_cadastral_code

pytestmark = pytest.mark.django_db


def test_counts_of_the_territory(loaded_reference_data):
    assert Region.objects.count() == 21  # with "00", the pre-1948 placeholder
    assert Province.objects.count() == 107
    assert Municipality.objects.exclude(istat_code="").count() == 7896  # the ISTAT list
    # Every current comune of ANPR; two ISTAT comuni (Castegnero, Nanto) merged in 2026.
    assert Municipality.objects.current().count() == 7894
    assert Municipality.objects.filter(valid_to__isnull=False).count() > 11000  # abolished
    # Centroids of 2023: the six comuni created since have none.
    assert Municipality.objects.filter(latitude__isnull=False).count() == 7890
    assert Municipality.objects.filter(population__isnull=False).count() > 7880
    assert Country.objects.count() == 222
    campania = Municipality.objects.current().filter(province__region__istat_code="15")
    assert campania.count() == 550


def test_istat_data_wins_on_the_current_period(loaded_reference_data):
    ala = Municipality.objects.get(istat_code="001003")
    assert (ala.name, ala.cadastral_code, ala.province.code) == ("Ala di Stura", "A117", "TO")
    castegnero = Municipality.objects.get(istat_code="024027")
    assert castegnero.valid_to == dt.date(2026, 2, 20)
    merged = Municipality.objects.current().get(cadastral_code="M439")
    assert merged.name == "Castegnero Nanto" and merged.istat_code == ""


def test_abolished_municipalities_decode_on_their_dates(loaded_reference_data):
    assert municipality_for_cadastral_code("A001", dt.date(1900, 1, 1)).name == "Abano"
    assert municipality_for_cadastral_code("A001", dt.date(1924, 11, 13)).name == "Abano"
    assert municipality_for_cadastral_code("A001", dt.date(1924, 11, 14)).name == "Abano Terme"
    assert municipality_for_cadastral_code("a001").name == "Abano Terme"
    assert municipality_for_cadastral_code("Z105", dt.date(1980, 1, 1)).name == "Cecoslovacchia"
    assert municipality_for_cadastral_code("Z105", dt.date(2000, 1, 1)) is None
    assert municipality_for_cadastral_code("Z221").is_active is False  # Hong Kong


def test_distance_between_real_comuni(loaded_reference_data):
    napoli = Municipality.objects.get(istat_code="063049")
    salerno = Municipality.objects.get(istat_code="065116")
    assert 40 < distance_km(napoli, salerno) < 55


def test_classification_counts(loaded_reference_data):
    assert Profession.objects.filter(system="cp2011").count() == 829
    assert Profession.objects.get(system="cp2011", code="1.1.4.2.0").parent.code == "1.1.4.2"
    assert IscoGroup.objects.count() == 619
    assert IscoGroup.objects.get(code="2512").parent.code == "251"
    assert EscoOccupation.objects.count() == 2942
    assert EscoProfessionMapping.objects.count() == 3195  # 45 rows map to ISCO groups: skipped
    assert EconomicActivity.objects.filter(edition="2025").count() == 3257
    assert EconomicActivity.objects.filter(edition="2007").count() == 3138
    assert EconomicActivity.objects.filter(edition="2022").count() == 3157
    node = EconomicActivity.objects.get(edition="2025", code="01.11.00")
    assert node.parent.code == "01.11.0" and node.parent.parent.code == "01.11"
    assert EducationLevel.objects.count() == 16
    assert list(LanguageLevel.objects.values_list("code", flat=True)) == [
        "A1", "A2", "B1", "B2", "C1", "C2",
    ]  # fmt: skip


def test_second_load_changes_nothing(loaded_reference_data):
    errors = ErrorLog()
    t_data = territory.read_directory(territory.SHIPPED, errors)
    c_data = classifications.read_directory(classifications.SHIPPED, errors)
    assert not errors
    results = [
        *territory.do_load_territory(t_data),
        *classifications.do_load_classifications(c_data),
    ]
    assert len(results) == 12
    assert [(r.table, r.created, r.updated) for r in results if r.created or r.updated] == []
    assert Municipality.objects.exclude(istat_code="").count() == 7896


# --- the demo region ---------------------------------------------------------------------


def snapshot() -> list[tuple]:
    offices = Office.objects.order_by("code").values_list(
        "id", "code", "kind", "name", "parent_id", "address", "phone", "email", "municipality_id"
    )
    competences = Competence.objects.order_by("office_id", "municipality_id").values_list(
        "id", "office_id", "municipality_id", "office_kind"
    )
    return [*offices, *competences]


def test_demo_region(loaded_reference_data):
    result = do_setup_demo_offices()
    assert result.offices.created == Office.objects.count()
    cpis = Office.objects.filter(kind=OfficeKind.CPI)
    assert cpis.count() == 46
    assert (
        Office.objects.filter(kind=OfficeKind.REGION).get().name
        == "Regione Campania – Direzione Lavoro"
    )
    assert Office.objects.filter(kind=OfficeKind.DESK).count() >= 3
    campania = Municipality.objects.current().filter(province__code__in=PROVINCES)
    assert campania.count() == 550
    per_comune = campania.annotate(
        cpis=Count("competences", filter=Q(competences__office_kind=OfficeKind.CPI))
    ).values_list("cpis", flat=True)
    assert set(per_comune) == {1}
    # Each CPI serves comuni of one province only, its seat among them, named after it.
    for cpi in cpis.select_related("municipality"):
        provinces = set(cpi.municipalities.values_list("province__code", flat=True))
        assert len(provinces) == 1
        assert cpi.municipalities.filter(pk=cpi.municipality_id).exists()
        assert cpi.name == f"CPI di {cpi.municipality.name}"
        assert (
            cpi.email and cpi.phone and cpi.opening_hours and cpi.parent.kind == OfficeKind.REGION
        )
    per_province = dict(
        cpis.values_list("municipality__province__code")
        .annotate(n=Count("id"))
        .values_list("municipality__province__code", "n")
    )
    assert min(per_province.values()) >= 4 and sum(per_province.values()) == 46

    before = snapshot()
    again = do_setup_demo_offices()
    assert (again.offices.created, again.offices.updated, again.competences_added) == (0, 0, 0)
    assert snapshot() == before


def test_demo_setup_command(loaded_reference_data, settings):
    settings.DEMO = True  # the follow-up commands (demo people, operators) insist on it
    do_setup_demo_offices()
    before = snapshot()
    call_command("demo_setup", verbosity=0)  # reference data reloaded, demo offices again
    assert snapshot() == before
    assert Office.objects.filter(kind=OfficeKind.CPI).count() == 46


def test_allocation_and_split_without_coordinates():
    assert allocate({"AV": 118, "BN": 78, "CE": 104, "NA": 92, "SA": 158}) == {
        "AV": 10, "BN": 6, "CE": 9, "NA": 8, "SA": 13,
    }  # fmt: skip
    assert min(allocate({"A": 500, "B": 5, "C": 5}).values()) == 4
    places = [Place(i, f"{i:06d}", f"C{i}", None, None) for i in range(10, 0, -1)]
    groups = split(places, 3)
    assert sorted(len(g) for g in groups) == [3, 3, 4]
    assert [p.istat_code for p in groups[0]] == ["000001", "000002", "000003"]  # ISTAT order
    assert [p.istat_code for p in groups[-1]] == ["000008", "000009", "000010"]
