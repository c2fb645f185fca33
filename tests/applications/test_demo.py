"""`sil demo_citizens`: demo mode only, idempotent, two CVs each, applications when possible."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sil.accounts.models import User, UserKind
from sil.applications.models import Application
from sil.did.actions import do_declare_did
from sil.did.models import DidChannel
from sil.dossier.models import Cv
from tests.applications.factories import VacancyFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_refused_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_citizens")


def test_citizens_with_two_cvs_and_applications_idempotently(settings):
    settings.DEMO = True
    people = [PersonFactory() for _ in range(3)]
    for person in people:
        do_declare_did(person, dt.date(2025, 1, 10), DidChannel.CPI)
    PersonFactory()  # no DID: not a demo citizen
    for _ in range(4):
        VacancyFactory()
    out = io.StringIO()
    call_command("demo_citizens", "--count", "2", stdout=out)
    assert User.objects.filter(kind=UserKind.CITIZEN).count() == 2
    assert Cv.objects.count() == 4
    assert Cv.objects.filter(is_default=True).count() == 2
    assert Application.objects.count() == 4
    assert people[0].fiscal_code in out.getvalue()
    call_command("demo_citizens", "--count", "2", stdout=io.StringIO())
    assert (Cv.objects.count(), Application.objects.count()) == (4, 4)
