import datetime as dt

import pytest

from sil.did.actions import do_declare_did
from sil.did.models import DidChannel
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    PersonFactory,
    UserFactory,
)

DAY = dt.date(2025, 1, 10)


@pytest.fixture
def world(db):
    naples = MunicipalityFactory(naples=True)
    salerno = MunicipalityFactory(salerno=True)
    cpi_a, cpi_b = OfficeFactory(name="CPI A"), OfficeFactory(name="CPI B")
    CompetenceFactory(office=cpi_a, municipality=naples)
    CompetenceFactory(office=cpi_b, municipality=salerno)
    return {
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "a": PersonFactory(competent_office=cpi_a, residence_municipality=naples),
        "b": PersonFactory(competent_office=cpi_b, residence_municipality=salerno),
        "operator_a": UserFactory(operator_of=cpi_a),
        "regional": UserFactory(regional=True),
    }


@pytest.fixture
def did(world):
    return do_declare_did(world["a"], DAY, DidChannel.CPI, by=world["operator_a"])
