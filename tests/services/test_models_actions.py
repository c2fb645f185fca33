import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sil.services.actions import (
    do_add_policy,
    do_add_policy_event,
    do_assess_gol,
    do_record_profiling,
    do_update_policy,
)
from sil.services.models import (
    GolAssessment,
    GolPath,
    PolicyEvent,
    PolicyEventCode,
    policy_id_check_character,
)
from tests.factories import PersonFactory, UserFactory
from tests.services.factories import PolicyFactory, ProfilingFactory

pytestmark = pytest.mark.django_db

POLICY = {
    "activity_type": "A02",
    "title": "Orientamento",
    "promoter_code": "H501X000004",
    "proposal_date": dt.date(2017, 1, 1),
}


def test_event_codes_and_gol_paths_are_seeded():
    codes = dict(PolicyEventCode.objects.values_list("code", "name"))
    assert len(codes) == 15
    assert codes["01"] == "Proposta" and codes["15"] == "Esclusione"
    rules = dict(PolicyEventCode.objects.values_list("code", "date_rule"))
    assert rules["01"] == "proposal" and rules["02"] == "start"
    assert {c for c, r in rules.items() if r == "end"} == {
        "05",
        "07",
        "08",
        "09",
        "10",
        "12",
        "14",
        "15",
    }
    assert list(GolPath.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


def test_policy_id_check_character_matches_the_spec_example():
    # SPEC §3: Lazio, sequence 008B3B94, H501X000004 + A02 + 20170101 → 08008B3B94B.
    assert policy_id_check_character("H501X000004", "A02", dt.date(2017, 1, 1)) == "B"
    policy = do_add_policy(PersonFactory(), {**POLICY, "policy_id": "08008b3b94b"})
    assert policy.policy_id == "08008B3B94B"


@pytest.mark.parametrize(
    ("policy_id", "message"),
    [
        ("08008B3B94C", "carattere di controllo"),
        ("08008B3B9", "11 caratteri"),
        ("0800GB3B94B", "11 caratteri"),
    ],
)
def test_bad_policy_ids_are_refused(policy_id, message):
    with pytest.raises(ValidationError) as caught:
        do_add_policy(PersonFactory(), {**POLICY, "policy_id": policy_id})
    assert message in caught.value.message_dict["policy_id"][0]


def test_policy_dates_in_order():
    with pytest.raises(ValidationError) as caught:
        do_add_policy(
            PersonFactory(),
            {**POLICY, "start_date": dt.date(2017, 2, 1), "end_date": dt.date(2017, 1, 15)},
        )
    assert list(caught.value.message_dict) == ["end_date"]
    with pytest.raises(ValidationError):
        do_add_policy(PersonFactory(), {**POLICY, "start_date": dt.date(2016, 12, 1)})


def _code(code):
    return PolicyEventCode.objects.get(code=code)


@pytest.mark.parametrize(
    ("code", "good", "bad"),
    [
        ("01", dt.date(2017, 1, 1), dt.date(2017, 1, 10)),
        ("02", dt.date(2017, 1, 10), dt.date(2017, 1, 1)),
        ("10", dt.date(2017, 3, 31), dt.date(2017, 3, 30)),
        ("05", dt.date(2017, 3, 31), dt.date(2017, 1, 10)),
        ("15", dt.date(2017, 3, 31), dt.date(2017, 1, 1)),
    ],
)
def test_event_date_must_match_the_policy_date(code, good, bad):
    policy = PolicyFactory()
    with pytest.raises(ValidationError) as caught:
        do_add_policy_event(policy, {"code": _code(code), "date": bad})
    assert "deve coincidere" in caught.value.message_dict["date"][0]
    event = do_add_policy_event(policy, {"code": _code(code), "date": good})
    assert event.pk


def test_events_without_a_date_rule_take_any_date():
    policy = PolicyFactory()
    assert do_add_policy_event(policy, {"code": _code("03"), "date": dt.date(2018, 5, 5)}).pk


def test_end_event_needs_an_end_date():
    policy = PolicyFactory(end_date=None)
    with pytest.raises(ValidationError) as caught:
        do_add_policy_event(policy, {"code": _code("10"), "date": dt.date(2017, 3, 31)})
    assert caught.value.message_dict["date"][0].startswith("Per l'evento 10 Terminata")
    assert not PolicyEvent.objects.exists()


def test_changing_policy_dates_cannot_break_recorded_events():
    policy = PolicyFactory()
    do_add_policy_event(policy, {"code": _code("02"), "date": policy.start_date})
    with pytest.raises(ValidationError) as caught:
        do_update_policy(policy, {"start_date": dt.date(2017, 1, 20)})
    assert "eventi già registrati" in str(caught.value)
    policy.refresh_from_db()
    assert policy.start_date == dt.date(2017, 1, 10)
    do_update_policy(policy, {"title": "Nuovo titolo"})
    policy.refresh_from_db()
    assert policy.title == "Nuovo titolo"


def test_profiling_is_stored_as_received():
    person = PersonFactory()
    profiling = do_record_profiling(
        person,
        {
            "index": Decimal("0.12345"),
            "profiling_class": "1",
            "model_version": "ANPAL-5/2022",
            "profiled_on": dt.date(2024, 1, 2),
            "source": "NCN",
        },
    )
    profiling.refresh_from_db()
    assert profiling.index == Decimal("0.12345") and profiling.model_version == "ANPAL-5/2022"
    with pytest.raises(ValidationError):
        do_record_profiling(
            person, {"index": Decimal("1.5"), "model_version": "x", "profiled_on": dt.date.today()}
        )


def test_gol_override_needs_a_reason_and_records_the_operator():
    person = PersonFactory()
    operator = UserFactory()
    profiling = ProfilingFactory(person=person)
    path = GolPath.objects.get(number=2)
    with pytest.raises(ValidationError) as caught:
        do_assess_gol(
            person,
            {"path": path, "decided_on": dt.date(2024, 2, 2), "override": True},
            by=operator,
        )
    assert "override_reason" in caught.value.message_dict
    assessment = do_assess_gol(
        person,
        {
            "path": path,
            "profiling": profiling,
            "decided_on": dt.date(2024, 2, 2),
            "override": True,
            "override_reason": "Esperienza recente nel settore, serve solo aggiornamento.",
        },
        by=operator,
    )
    assert assessment.operator == operator
    with pytest.raises(IntegrityError), transaction.atomic():
        GolAssessment.objects.filter(pk=assessment.pk).update(override_reason="")


def test_gol_assessment_refuses_someone_elses_profiling():
    with pytest.raises(ValidationError) as caught:
        do_assess_gol(
            PersonFactory(),
            {
                "path": GolPath.objects.get(number=1),
                "profiling": ProfilingFactory(),
                "decided_on": dt.date(2024, 2, 2),
            },
        )
    assert "profiling" in caught.value.message_dict
