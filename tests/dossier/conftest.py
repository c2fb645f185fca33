import pytest

from tests.factories import two_cpi_world


@pytest.fixture
def world(db):
    return two_cpi_world()
