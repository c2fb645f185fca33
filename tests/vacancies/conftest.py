import pytest

from sil.territory.models import Competence
from sil.vacancies.queries import forget_professions
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    UserFactory,
)
from tests.vacancies.factories import EmployerFactory, EmployerMembershipFactory


@pytest.fixture(autouse=True)
def _fresh_profession_names():
    """The board keeps CP names in memory for ten minutes: each test has its own rows."""
    forget_professions()
    yield
    forget_professions()


@pytest.fixture
def world(db):
    """Two CPIs (Napoli, Salerno), a firm in each with an employer user, operators."""
    naples = MunicipalityFactory(naples=True, latitude=40.8518, longitude=14.2681)
    salerno = MunicipalityFactory(salerno=True, latitude=40.6824, longitude=14.7681)
    cpi_a, cpi_b = OfficeFactory(name="CPI Napoli"), OfficeFactory(name="CPI Salerno")
    CompetenceFactory(office=cpi_a, municipality=naples)
    CompetenceFactory(office=cpi_b, municipality=salerno)
    firm_a = EmployerFactory(name="Alfa S.r.l.", municipality=naples, office=cpi_a)
    firm_b = EmployerFactory(name="Beta S.p.A.", municipality=salerno, office=cpi_b)
    assert Competence.objects.count() == 2
    return {
        "naples": naples,
        "salerno": salerno,
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "firm_a": firm_a,
        "firm_b": firm_b,
        "boss_a": EmployerMembershipFactory(employer=firm_a).user,
        "boss_b": EmployerMembershipFactory(employer=firm_b).user,
        "operator_a": UserFactory(operator_of=cpi_a),
        "operator_b": UserFactory(operator_of=cpi_b),
        "regional": UserFactory(regional=True),
    }
