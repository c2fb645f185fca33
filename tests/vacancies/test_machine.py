import itertools

import pytest

from sil.vacancies.machine import (
    EMPLOYER,
    OPERATOR,
    SYSTEM,
    TRANSITIONS,
    VacancyTransitionError,
    actor_of,
    allowed_targets,
    check_transition,
)
from sil.vacancies.models import VacancyState
from tests.factories import UserFactory

STATES = VacancyState.values
ACTORS = (OPERATOR, EMPLOYER, SYSTEM, "")

EXPECTED = {
    ("draft", "review"): {OPERATOR, EMPLOYER},
    ("draft", "published"): {OPERATOR},
    ("draft", "cancelled"): {OPERATOR, EMPLOYER},
    ("review", "draft"): {OPERATOR, EMPLOYER},
    ("review", "published"): {OPERATOR},
    ("review", "cancelled"): {OPERATOR, EMPLOYER},
    ("published", "closed"): {OPERATOR},
    ("published", "expired"): {SYSTEM},
    ("published", "cancelled"): {OPERATOR},
}


def test_the_table_is_the_documented_one():
    assert {k: set(v) for k, v in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(
    ("source", "target", "actor"), list(itertools.product(STATES, STATES, ACTORS))
)
def test_every_move_for_every_actor(source, target, actor):
    allowed = actor in EXPECTED.get((source, target), set())
    if allowed:
        check_transition(source, target, actor)
        assert target in allowed_targets(source, actor)
        return
    with pytest.raises(VacancyTransitionError) as error:
        check_transition(source, target, actor)
    assert target not in allowed_targets(source, actor)
    code = "illegal_transition" if (source, target) not in EXPECTED else "forbidden_transition"
    assert error.value.code == code
    assert "offerta" in error.value.messages[0]


def test_final_states_lead_nowhere():
    for state in ("closed", "expired", "cancelled"):
        for actor in ACTORS:
            assert allowed_targets(state, actor) == []


def test_unknown_target_is_refused():
    with pytest.raises(VacancyTransitionError) as error:
        check_transition("draft", "archived", OPERATOR)
    assert error.value.code == "invalid"


@pytest.mark.django_db
def test_actor_of_users():
    assert actor_of(None) == SYSTEM
    assert actor_of(UserFactory()) == OPERATOR
    assert actor_of(UserFactory(superuser=True, kind="system")) == OPERATOR
    assert actor_of(UserFactory(employer=True)) == EMPLOYER
    assert actor_of(UserFactory(citizen=True)) == ""
