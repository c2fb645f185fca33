"""`sil demo_citizens` completes a citizen an interrupted run left half done."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from sil.applications.actions import do_get_or_create_citizen_user
from sil.applications.models import Application
from sil.did.actions import do_declare_did
from sil.did.models import DidChannel
from sil.dossier import cv as cvs
from sil.dossier.models import Cv
from tests.applications.factories import VacancyFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_rerun_adds_the_cv_and_applications_that_are_missing(settings):
    settings.DEMO = True
    people = [PersonFactory() for _ in range(2)]
    for person in people:
        do_declare_did(person, dt.date(2025, 1, 10), DidChannel.CPI)
    for _ in range(4):
        VacancyFactory()
    # What a run stopped after the first citizen's first CV leaves, made by the same actions.
    first = people[0]
    user = do_get_or_create_citizen_user(first)
    cvs.do_create_cv_from_dossier(first, "CV completo", by=user)
    out = io.StringIO()
    call_command("demo_citizens", "--count", "2", stdout=out)
    for person in people:
        names = sorted(Cv.objects.filter(person=person).values_list("name", flat=True))
        assert names == ["CV breve", "CV completo"]
        assert Application.objects.filter(person=person).count() == 2
    assert f"* {first.fiscal_code}" in out.getvalue()
    again = io.StringIO()
    call_command("demo_citizens", "--count", "2", stdout=again)
    assert "*" not in again.getvalue()  # nothing left to add
    assert (Cv.objects.count(), Application.objects.count()) == (4, 4)
