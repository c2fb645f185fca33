"""The application state machine: one table, who may make each move, final states."""

from __future__ import annotations

import itertools

import pytest

from sil.applications.machine import (
    TRANSITIONS,
    ApplicationTransitionError,
    allowed_targets,
    check_move,
)
from sil.applications.models import OPEN_STATES, Actor, ApplicationState

S = ApplicationState


def test_the_happy_path_for_an_employer():
    path = [S.SUBMITTED, S.VIEWED, S.IN_SELECTION, S.INTERVIEW, S.HIRED]
    for before, after in itertools.pairwise(path):
        check_move(before, after, Actor.EMPLOYER)


def test_interview_is_optional():
    check_move(S.IN_SELECTION, S.HIRED, Actor.OPERATOR)


@pytest.mark.parametrize("state", [s.value for s in OPEN_STATES])
def test_citizen_may_withdraw_from_any_open_state(state):
    check_move(state, S.WITHDRAWN, Actor.CITIZEN)


@pytest.mark.parametrize("final", [S.HIRED, S.REJECTED, S.WITHDRAWN])
def test_final_states_accept_nothing(final):
    for actor in Actor.values:
        assert allowed_targets(final, actor) == []
    with pytest.raises(ApplicationTransitionError) as info:
        check_move(final, S.IN_SELECTION, Actor.OPERATOR)
    assert info.value.code == "illegal_transition"
    assert "non può diventare" in info.value.messages[0]


def test_citizen_cannot_select_or_hire_themselves():
    assert allowed_targets(S.SUBMITTED, Actor.CITIZEN) == [S.WITHDRAWN]
    with pytest.raises(ApplicationTransitionError) as info:
        check_move(S.IN_SELECTION, S.HIRED, Actor.CITIZEN)
    assert info.value.code == "actor_not_allowed"


def test_employer_cannot_withdraw_for_the_citizen():
    assert S.WITHDRAWN not in allowed_targets(S.VIEWED, Actor.EMPLOYER)


def test_hiring_needs_a_selection_first():
    with pytest.raises(ApplicationTransitionError):
        check_move(S.SUBMITTED, S.HIRED, Actor.OPERATOR)


def test_unknown_target_is_refused():
    with pytest.raises(ApplicationTransitionError) as info:
        check_move(S.SUBMITTED, "promoted", Actor.OPERATOR)
    assert info.value.code == "unknown_state"


def test_every_state_but_submitted_is_reachable():
    assert set(TRANSITIONS) == set(S.values) - {S.SUBMITTED}
