"""Anzianità di disoccupazione: the spec's examples and property tests of its invariants."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sil.did import actions
from sil.did.models import LapseReason
from sil.did.seniority import Seniority, seniority, seniority_days, unemployment_seniority_days
from tests.did.conftest import DAY

D = dt.date


def test_counts_both_ends_from_the_did_date():
    assert seniority_days(D(2025, 1, 1), D(2025, 1, 1)) == 1
    assert seniority_days(D(2025, 1, 1), D(2025, 12, 31)) == 365
    assert seniority_days(D(2025, 1, 1), D(2024, 12, 31)) == 0


def test_first_and_last_day_of_a_suspension_are_suspension_days():
    # A 10-day contract (1 to 10 March) removes 10 days.
    periods = [(D(2025, 3, 1), D(2025, 3, 10))]
    assert seniority_days(D(2025, 1, 1), D(2025, 12, 31), periods) == 355
    # An open suspension runs to the day of the computation.
    assert seniority_days(D(2025, 1, 1), D(2025, 3, 5), [(D(2025, 3, 1), None)]) == 59


def test_stops_the_day_before_the_lapse():
    assert seniority_days(D(2025, 1, 1), D(2026, 6, 1), ended_on=D(2025, 2, 1)) == 31


def test_flags():
    assert Seniority.of(180) == Seniority(180, False, False)
    assert Seniority.of(181) == Seniority(181, False, True)
    assert Seniority.of(365).long_term is False
    assert Seniority.of(366) == Seniority(366, True, True)


@pytest.mark.django_db
def test_on_a_stored_did(did):
    job = DAY + dt.timedelta(days=10)
    actions.do_suspend(did, job, Decimal("20000"))
    actions.do_resume(did, job + dt.timedelta(days=4))  # 5 suspension days
    on = DAY + dt.timedelta(days=400)
    assert unemployment_seniority_days(did, on) == 401 - 5
    assert seniority(did, on).long_term
    actions.do_lapse(did, DAY + dt.timedelta(days=100), LapseReason.SANCTION)
    did.refresh_from_db()
    assert unemployment_seniority_days(did, on) == 100 - 5


days = st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31))
periods = st.lists(
    st.tuples(days, st.one_of(st.none(), st.integers(min_value=0, max_value=400))).map(
        lambda p: (p[0], None if p[1] is None else p[0] + dt.timedelta(days=p[1]))
    ),
    max_size=6,
)


@given(days, days, periods, st.one_of(st.none(), days))
def test_bounded_by_calendar_days(did_date, on_date, suspensions, ended_on):
    value = seniority_days(did_date, on_date, suspensions, ended_on)
    calendar = max(0, (on_date - did_date).days + 1)
    assert 0 <= value <= calendar
    if not suspensions and ended_on is None:
        assert value == calendar


@given(days, days, st.integers(min_value=0, max_value=1000), periods, st.one_of(st.none(), days))
def test_never_decreases_with_time(did_date, on_date, step, suspensions, ended_on):
    later = on_date + dt.timedelta(days=step)
    assert seniority_days(did_date, later, suspensions, ended_on) >= seniority_days(
        did_date, on_date, suspensions, ended_on
    )


@given(days, days, periods, periods)
def test_more_suspensions_never_add_days(did_date, on_date, some, more):
    assert seniority_days(did_date, on_date, some + more) <= seniority_days(did_date, on_date, some)


@given(days, days, periods)
def test_order_and_duplicates_do_not_matter(did_date, on_date, suspensions):
    value = seniority_days(did_date, on_date, suspensions)
    assert seniority_days(did_date, on_date, list(reversed(suspensions)) * 2) == value


@given(days, st.integers(min_value=0, max_value=2000), days)
def test_frozen_after_the_end(did_date, length, on_date):
    ended_on = did_date + dt.timedelta(days=length)
    frozen = seniority_days(did_date, ended_on - dt.timedelta(days=1))
    assert seniority_days(did_date, max(on_date, ended_on), ended_on=ended_on) == frozen
    assert frozen == length
