"""Bulk rebuilds rewrite only the profiles that changed, and vacuum the table afterwards."""

from __future__ import annotations

import pytest

from sil.dossier.models import DrivingLicence
from sil.matching.models import CandidateProfile
from sil.matching.profiles import refresh_profiles, refresh_range, vacuum_profiles

pytestmark = pytest.mark.django_db


def test_an_unchanged_profile_is_not_rewritten(world):
    person = world.candidate()
    assert refresh_profiles([person.pk]) == 0
    assert refresh_range(person.pk, person.pk) == 0
    DrivingLicence.objects.create(person=person, category="C")
    assert refresh_profiles([person.pk]) == 1
    assert "C" in CandidateProfile.objects.get(pk=person.pk).driving_licences


def test_vacuum_refuses_to_run_in_a_transaction(world):
    # The test itself runs inside a transaction: VACUUM would fail there, say so plainly.
    with pytest.raises(RuntimeError):
        vacuum_profiles()
