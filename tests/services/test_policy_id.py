"""Property tests of the SAP policy ID (2-digit system + 8 hex digits + CIN)."""

import datetime as dt
import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from sil.services.models import Policy, policy_id_check_character

promoters = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=11, max_size=11)
activities = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=3, max_size=3)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
systems = st.integers(min_value=0, max_value=32).map(lambda n: f"{n:02d}")
sequences = st.integers(min_value=0, max_value=0xFFFFFFFF).map(lambda n: f"{n:08X}")


def _policy(promoter, activity, day, policy_id):
    return Policy(
        person_id=1,
        activity_type=activity,
        title="x",
        promoter_code=promoter,
        proposal_date=day,
        policy_id=policy_id,
    )


@settings(max_examples=200, deadline=None)
@given(promoters, activities, days, systems, sequences, st.sampled_from(string.ascii_uppercase))
def test_only_the_computed_check_character_is_accepted(
    promoter, activity, day, system, sequence, other
):
    cin = policy_id_check_character(promoter, activity, day)
    assert len(cin) == 1 and cin in string.ascii_uppercase
    _policy(promoter, activity, day, system + sequence + cin).clean()
    if other != cin:
        with pytest.raises(ValidationError) as caught:
            _policy(promoter, activity, day, system + sequence + other).clean()
        assert "policy_id" in caught.value.message_dict


@settings(max_examples=100, deadline=None)
@given(promoters, activities, days)
def test_check_character_ignores_case(promoter, activity, day):
    assert policy_id_check_character(promoter, activity, day) == policy_id_check_character(
        promoter.lower(), activity.lower(), day
    )
