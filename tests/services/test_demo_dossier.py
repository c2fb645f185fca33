import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from sil.core.registry import registry
from sil.did.models import Did, DidEvent, DidEventKind, DidState, Suspension
from sil.dossier.models import Education, LanguageSkill, WorkExperience
from sil.services.models import Policy, PolicyEvent
from tests.dossier.factories import (
    EconomicActivityFactory,
    EducationLevelFactory,
    ProfessionFactory,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people():
    EducationLevelFactory(code="LSE", name="Licenza media", position=20)
    EducationLevelFactory(code="USG", name="Diploma di maturità", position=50)
    EducationLevelFactory(code="L", name="Laurea di primo livello", position=90)
    EconomicActivityFactory()
    ProfessionFactory(system="cp2011", code="5.1.2.2.0")
    people = [PersonFactory() for _i in range(30)]
    PersonFactory(email="vero@example.org")  # not a demo person: never touched
    return people


def run(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_dossier", force=True, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def counts():
    return [
        m.objects.count()
        for m in (Did, DidEvent, Suspension, Education, WorkExperience, LanguageSkill, Policy)
    ] + [PolicyEvent.objects.count()]


def test_every_demo_person_gets_a_did_and_a_dossier(demo_people):
    out, err = run(share=1)
    assert err == ""
    assert "Fascicoli dimostrativi: 30 persone (30 DID" in out
    # The CO contract types are seeded by migration, so every experience gets one.
    assert "Nota: nessuna tipologia contrattuale" not in out
    ids = {p.pk for p in demo_people}
    assert set(Did.objects.values_list("person_id", flat=True)) == ids
    assert set(Education.objects.values_list("person_id", flat=True)) == ids
    assert DidEvent.objects.filter(kind=DidEventKind.DECLARE).count() == 30
    for did in Did.objects.all():
        assert did.state in (DidState.ACTIVE, DidState.SUSPENDED)
        assert did.state == did.events.order_by("-effective_date", "-id").first().state_after
    assert Suspension.objects.exists()
    assert WorkExperience.objects.exists()
    assert not WorkExperience.objects.filter(economic_activity__isnull=True).exists()
    assert not WorkExperience.objects.filter(contract_type__isnull=True).exists()
    assert not WorkExperience.objects.filter(profession__isnull=True).exists()
    assert LanguageSkill.objects.filter(understanding__isnull=False).exists()
    for policy in Policy.objects.prefetch_related("events__code"):
        codes = [e.code.code for e in policy.events.all()]
        assert codes[0] == "01"
        assert ("02" in codes) == (policy.start_date is not None)
        assert ("10" in codes) == (policy.end_date is not None)
    assert Policy.objects.exists()


def test_second_run_creates_nothing(demo_people):
    run(share=1)
    before = counts()
    out, _err = run(share=1)
    assert counts() == before
    assert "0 persone (0 DID" in out
    assert "30 già presenti" in out


class Undo(Exception):
    pass


def test_subset_and_content_are_deterministic(demo_people):
    def once():
        with pytest.raises(Undo), transaction.atomic():
            run(share=0.5)
            chosen = sorted(Did.objects.values_list("person__fiscal_code", "did_date", "channel"))
            titles = sorted(Education.objects.values_list("person__fiscal_code", "year"))
            raise Undo  # roll the run back, the next one starts from the same data
        return chosen, titles

    first = once()
    assert 0 < len(first[0]) < 30
    assert once() == first
    run(share=0.5, seed=7)
    assert sorted(Did.objects.values_list("person__fiscal_code", "did_date", "channel")) != first[0]


def test_missing_reference_data_is_skipped_with_a_note():
    PersonFactory()
    out, err = run(share=1)
    assert "Nota: nessun livello di titolo di studio" in out
    assert "1 persone (1 DID, " in out
    assert not Education.objects.exists()
    assert err == ""


def test_refused_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_dossier")


def test_demo_setup_runs_it_after_the_people():
    names = [step.name for step in registry.demo_steps]
    assert names.index("demo_dossier") == names.index("demo_people") + 1
