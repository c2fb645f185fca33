import pytest
from django.core.management import call_command

from sil.shortlists.models import Shortlist, ShortlistState
from tests.factories import UserFactory
from tests.matching.factories import MatchingWorld

pytestmark = pytest.mark.django_db


def test_demo_shortlists_is_idempotent(settings):
    settings.DEMO = True
    world = MatchingWorld.build()
    UserFactory(operator_of=world.cpi_a, email="operatore@demo.opensil.it")
    vacancy = world.vacancy(office=world.cpi_a)
    for _ in range(3):
        world.candidate()
    call_command("demo_shortlists", "--count", "1")
    shortlist = Shortlist.objects.get(vacancy=vacancy)
    assert shortlist.state == ShortlistState.SENT
    entries = list(shortlist.entries.order_by("position"))
    assert [e.consent_to_share for e in entries] == [True, False, True]
    assert entries[0].outcome == "hired"
    call_command("demo_shortlists", "--count", "1")
    assert Shortlist.objects.count() == 1
