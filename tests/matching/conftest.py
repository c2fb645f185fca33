import pytest

from tests.matching.factories import MatchingWorld


@pytest.fixture
def world(db):
    return MatchingWorld.build()
