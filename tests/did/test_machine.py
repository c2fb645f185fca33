"""Every legal and illegal move of the DID state machine, through the actions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, transaction

from sil.did import actions
from sil.did.machine import TRANSITIONS, DidTransitionError, allowed_kinds, next_state
from sil.did.models import Did, DidEvent, DidEventKind, DidState, LapseReason, Suspension
from tests.did.conftest import DAY

pytestmark = pytest.mark.django_db

HIGH = Decimal("20000")
LOW = Decimal("3000")
JOB = DAY + dt.timedelta(days=30)


def _suspended(did):
    actions.do_suspend(did, JOB, HIGH, source_reference="CO-1")
    return did


def _conserved(did):
    actions.do_suspend(did, JOB, LOW)
    return did


def _lapsed(did):
    actions.do_lapse(did, JOB, LapseReason.SANCTION)
    return did


def _revoked(did):
    actions.do_revoke(did, JOB)
    return did


SETUP = {
    DidState.ACTIVE: lambda did: did,
    DidState.SUSPENDED: _suspended,
    DidState.CONSERVED: _conserved,
    DidState.LAPSED: _lapsed,
    DidState.REVOKED: _revoked,
}
LATER = JOB + dt.timedelta(days=10)
MOVES = {
    DidEventKind.SUSPEND: lambda did: actions.do_suspend(did, LATER, HIGH),
    DidEventKind.CONSERVE: lambda did: actions.do_suspend(did, LATER, LOW),
    DidEventKind.RESUME: lambda did: actions.do_resume(did, LATER),
    DidEventKind.LAPSE: lambda did: actions.do_lapse(did, LATER, LapseReason.REFUSED_OFFER),
    DidEventKind.REVOKE: lambda did: actions.do_revoke(did, LATER),
}
CASES = [(state, kind, state in TRANSITIONS[kind][0]) for state in SETUP for kind in MOVES]


def test_the_table_is_what_the_spec_says():
    assert allowed_kinds(DidState.ACTIVE) == [
        DidEventKind.SUSPEND,
        DidEventKind.CONSERVE,
        DidEventKind.LAPSE,
        DidEventKind.REVOKE,
    ]
    assert allowed_kinds(DidState.SUSPENDED) == [
        DidEventKind.RESUME,
        DidEventKind.LAPSE,
        DidEventKind.REVOKE,
    ]
    assert allowed_kinds(DidState.LAPSED) == allowed_kinds(DidState.REVOKED) == []
    # Never both suspended and conserved: no move between the two.
    assert DidEventKind.CONSERVE not in allowed_kinds(DidState.SUSPENDED)
    assert DidEventKind.SUSPEND not in allowed_kinds(DidState.CONSERVED)


@pytest.mark.parametrize(("state", "kind", "legal"), CASES)
def test_every_move(did, state, kind, legal):
    SETUP[state](did)
    did.refresh_from_db()
    assert did.state == state
    before = DidEvent.objects.filter(did=did).count()
    if legal:
        event = MOVES[kind](did)
        did.refresh_from_db()
        assert event.kind == kind
        assert event.state_before == state
        assert did.state == event.state_after == TRANSITIONS[kind][1]
        assert DidEvent.objects.filter(did=did).count() == before + 1
    else:
        with pytest.raises(DidTransitionError) as caught:
            MOVES[kind](did)
        assert "non consentita" in caught.value.messages[0]
        did.refresh_from_db()
        assert did.state == state
        assert DidEvent.objects.filter(did=did).count() == before


def test_next_state_rejects_unknown_kind():
    with pytest.raises(DidTransitionError):
        next_state(DidState.ACTIVE, "teleport")


def test_one_open_did_per_person(world, did):
    with pytest.raises(DidTransitionError) as caught:
        actions.do_declare_did(world["a"], DAY + dt.timedelta(days=1), "cpi")
    assert "già una DID" in caught.value.messages[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Did.objects.create(
            person=world["a"], did_date=DAY, channel="cpi", state="suspended", state_since=DAY
        )
    actions.do_revoke(did, JOB)
    again = actions.do_declare_did(world["a"], JOB, "national_portal", national_id="NCN-1")
    assert again.state == DidState.ACTIVE
    assert Did.objects.filter(person=world["a"]).count() == 2


def test_new_did_cannot_start_before_the_previous_ended(world, did):
    actions.do_revoke(did, JOB)
    with pytest.raises(DidTransitionError):
        actions.do_declare_did(world["a"], JOB - dt.timedelta(days=1), "cpi")


def test_dates_cannot_go_backwards_or_into_the_future(did):
    with pytest.raises(DidTransitionError):
        actions.do_revoke(did, DAY - dt.timedelta(days=1))
    with pytest.raises(DidTransitionError):
        actions.do_revoke(did, dt.date.today() + dt.timedelta(days=1))


def test_job_start_uses_the_threshold_in_force(did):
    event = actions.do_suspend(did, JOB, Decimal("8500.00"))
    assert event.kind == DidEventKind.CONSERVE  # within the threshold: conserved
    actions.do_resume(did, JOB + dt.timedelta(days=5))
    event = actions.do_suspend(did, JOB + dt.timedelta(days=6), Decimal("8500.01"))
    assert event.kind == DidEventKind.SUSPEND
    assert Suspension.objects.get(did=did, end__isnull=True).start == JOB + dt.timedelta(days=6)


def test_self_employment_above_threshold_lapses(did):
    event = actions.do_suspend(did, JOB, Decimal("5500.01"), income_kind="self_employed")
    did.refresh_from_db()
    assert event.kind == DidEventKind.LAPSE
    assert did.state == DidState.LAPSED
    assert did.lapse_reason == LapseReason.SELF_EMPLOYMENT
    assert did.ended_on == JOB


def test_resume_closes_the_suspension_on_the_last_day(did):
    _suspended(did)
    end = JOB + dt.timedelta(days=20)
    actions.do_resume(did, end)
    suspension = Suspension.objects.get(did=did)
    assert (suspension.start, suspension.end, suspension.source_reference) == (JOB, end, "CO-1")


def test_lapse_other_needs_a_note(did):
    with pytest.raises(DidTransitionError):
        actions.do_lapse(did, JOB, LapseReason.OTHER)
    actions.do_lapse(did, JOB, LapseReason.OTHER, note="trasferimento all'estero")
    did.refresh_from_db()
    assert did.state == DidState.LAPSED


def test_events_are_append_only_in_the_database(did):
    event = DidEvent.objects.get(did=did)
    with pytest.raises(ProgrammingError), transaction.atomic():
        DidEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(ProgrammingError), transaction.atomic():
        DidEvent.objects.filter(pk=event.pk).delete()


def test_suspensions_cannot_overlap(did):
    _suspended(did)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suspension.objects.create(did=did, start=JOB + dt.timedelta(days=3))


def test_day_180_rule(did):
    _suspended(did)
    assert actions.do_check_suspension_limit(JOB + dt.timedelta(days=179)) == []
    did.refresh_from_db()
    assert did.state == DidState.SUSPENDED
    lapsed = actions.do_check_suspension_limit(JOB + dt.timedelta(days=180))
    assert [d.pk for d in lapsed] == [did.pk]
    did.refresh_from_db()
    assert did.state == DidState.LAPSED
    assert did.lapse_reason == LapseReason.SUSPENSION_LIMIT
    assert did.ended_on == JOB + dt.timedelta(days=180)
    suspension = Suspension.objects.get(did=did)
    assert suspension.end == JOB + dt.timedelta(days=179)
    # Idempotent: a second run finds nothing.
    assert actions.do_check_suspension_limit(JOB + dt.timedelta(days=200)) == []


def test_day_180_rule_leaves_conserved_dids_alone(did):
    _conserved(did)
    assert actions.do_check_suspension_limit(JOB + dt.timedelta(days=400)) == []
    did.refresh_from_db()
    assert did.state == DidState.CONSERVED


def test_thresholds_are_seeded_with_their_source():
    from sil.did.models import IncomeThreshold

    employee = IncomeThreshold.objects.in_force("employee", DAY)
    self_employed = IncomeThreshold.objects.in_force("self_employed", DAY)
    assert employee.amount == Decimal("8500.00")
    assert self_employed.amount == Decimal("5500.00")
    assert "S7" in employee.source and "S7" in self_employed.source
