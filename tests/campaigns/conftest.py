"""Fixtures shared by the campaign tests."""

from __future__ import annotations

import pytest

from sil.accounts.models import Role
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    PersonFactory,
    UserFactory,
)


@pytest.fixture
def demo_region():
    """Two CPIs (Naples, Salerno) with seven reachable people each and the demo's regional
    and CPI accounts, as the demo campaign expects to find them."""
    naples = MunicipalityFactory(naples=True)
    salerno = MunicipalityFactory(salerno=True)
    offices = []
    for code, town in (("CPI-D01", naples), ("CPI-D02", salerno)):
        office = OfficeFactory(code=code, name=f"CPI {town.name}")
        CompetenceFactory(office=office, municipality=town)
        PersonFactory.create_batch(
            7,
            competent_office=office,
            residence_municipality=town,
            phone="+393331234567",
        )
        offices.append(office)
    UserFactory(email="regione@demo.opensil.it", regional=True, role=Role.REGION)
    UserFactory(email="operatore@demo.opensil.it", operator_of=offices[0])
    return offices
