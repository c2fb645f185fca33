"""The "family@cell" tags the database stores and the ones a vacancy asks for must agree."""

from __future__ import annotations

import pytest
from django.db import connection

from sil.matching.queries import _box, family_cell_tags

pytestmark = pytest.mark.django_db


def stored_tags(professions: list[str], isco: list[str], lat: float | None, lon: float | None):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT matching_family_cells(%s::varchar[], %s::varchar[], %s, %s)",
            [professions, isco, lat, lon],
        )
        return set(cursor.fetchone()[0])


def test_a_person_is_found_by_the_tags_of_a_box_around_them():
    naples = (40.8518, 14.2681)
    tags = stored_tags(["2", "2.6", "2.6.2", "2.6.2.5", "2.6.2.5.1"], ["2310"], *naples)
    # Only the CP2/CP3 families and the ISCO groups are tagged, each with one cell.
    assert {tag.split("@")[0] for tag in tags} == {"2.6", "2.6.2", "i2310"}
    asked = set(family_cell_tags(["2.6.2"], _box(naples[0] + 0.2, naples[1] - 0.3, 60)))
    assert tags & asked
    far = set(family_cell_tags(["2.6.2"], _box(45.46, 9.19, 60)))  # Milan
    assert not tags & far
    other_family = set(family_cell_tags(["5.1.2"], _box(*naples, 60)))
    assert not tags & other_family


def test_no_place_no_tags():
    assert stored_tags(["2.6.2"], ["2310"], None, None) == set()
