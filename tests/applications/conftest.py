import pytest

from tests.applications.factories import EmployerFactory, VacancyFactory, citizen_for
from tests.factories import two_cpi_world


@pytest.fixture
def world(db):
    """Two CPIs (A serves Naples, B Salerno), a person each, an operator of A, a published
    vacancy of CPI A's employer and the citizen user of person A."""
    data = two_cpi_world()
    employer = EmployerFactory(office=data["cpi_a"])
    data["employer"] = employer
    data["vacancy"] = VacancyFactory(employer=employer, office=data["cpi_a"])
    data["citizen_a"] = citizen_for(data["a"])
    data["citizen_b"] = citizen_for(data["b"])
    return data
