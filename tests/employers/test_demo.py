"""`sil demo_employers`, the synthetic generator and `sil demo_totp` for employer users."""

from __future__ import annotations

import io

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sil.accounts.demo import DEMO_PASSWORD, totp_secret
from sil.accounts.models import User
from sil.employers import codes
from sil.employers.models import Employer
from sil.employers.synthetic import SECTORS, generate
from tests.employers.factories import ateco
from tests.factories import CompetenceFactory, MunicipalityFactory, OfficeFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campania():
    province = ProvinceFactory(naples=True)
    towns = [MunicipalityFactory(province=province, name=f"Comune {n}") for n in range(5)]
    cpi = OfficeFactory()
    for town in towns:
        CompetenceFactory(office=cpi, municipality=town)
    for sector in SECTORS[:5]:
        ateco(sector.ateco, section="X")
    return cpi


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_refused_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="modalità demo"):
        run("demo_employers")


def test_demo_employers_is_idempotent_and_valid(settings, campania):
    settings.DEMO = True
    out = run("demo_employers", "--count", "12")
    assert "12 create" in out
    assert "0 create" in run("demo_employers", "--count", "12")
    employers = list(Employer.objects.all())
    assert len(employers) == 12
    assert all(codes.is_valid_vat_number(e.vat_number) for e in employers)
    assert all(e.office == campania for e in employers)
    assert all(e.sites.exists() for e in employers)
    assert any(e.directory_consent for e in employers)
    assert any(e.economic_activity is not None for e in employers)
    users = User.objects.filter(kind="employer")
    assert users.count() == 2
    for user in users:
        assert user.check_password(DEMO_PASSWORD)
        assert user.employer_memberships.count() == 1


def test_demo_totp_works_for_employer_users(settings, campania):
    settings.DEMO = True
    run("demo_employers", "--count", "2")
    code, uri = run("demo_totp", "impresa@demo.opensil.it").split()[:2]
    assert pyotp.TOTP(totp_secret("impresa@demo.opensil.it")).verify(code, valid_window=1)
    assert uri.startswith("otpauth://")
    with pytest.raises(CommandError, match="non è un account dimostrativo"):
        run("demo_totp", "nessuno@demo.opensil.it")


def test_generate_is_deterministic_fast_and_skips_existing(campania, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        assert generate(300, seed=7) == 300
    assert generate(310, seed=7) == 10  # the first 300 are the same firms
    assert Employer.objects.filter(office=campania).count() == 310
    sample = Employer.objects.order_by("?")[:20]
    assert all(codes.is_valid_vat_number(e.fiscal_code) for e in sample)
    assert generate(0, seed=7) == 0
