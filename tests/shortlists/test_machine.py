import pytest

from sil.shortlists.machine import (
    TRANSITIONS,
    ShortlistTransitionError,
    allowed_moves,
    next_state,
    require_editable,
    require_feedback_open,
)
from sil.shortlists.models import ShortlistState


def test_the_table():
    assert TRANSITIONS["send"] == (frozenset({"draft"}), "sent")
    assert allowed_moves(ShortlistState.DRAFT) == ["send", "close"]
    assert allowed_moves(ShortlistState.SENT) == ["close"]
    assert allowed_moves(ShortlistState.CLOSED) == []


@pytest.mark.parametrize(
    ("state", "move", "target"),
    [("draft", "send", "sent"), ("draft", "close", "closed"), ("sent", "close", "closed")],
)
def test_allowed_moves(state, move, target):
    assert next_state(state, move) == target


@pytest.mark.parametrize(
    ("state", "move"), [("sent", "send"), ("closed", "send"), ("closed", "close")]
)
def test_illegal_moves_are_explained_in_italian(state, move):
    with pytest.raises(ShortlistTransitionError) as info:
        next_state(state, move)
    assert "Operazione non consentita" in info.value.messages[0]
    assert info.value.code == "illegal_transition"


def test_unknown_move():
    with pytest.raises(ShortlistTransitionError, match="sconosciuta"):
        next_state("draft", "publish")


def test_candidates_change_only_in_preparation_and_answers_only_once_sent():
    require_editable("draft")
    for state in ("sent", "closed"):
        with pytest.raises(ShortlistTransitionError):
            require_editable(state)
    require_feedback_open("sent")
    for state in ("draft", "closed"):
        with pytest.raises(ShortlistTransitionError):
            require_feedback_open(state)
