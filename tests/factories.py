"""Shared factory-boy factories with traits (STYLE.md §9): territory, accounts, people.

cpi = OfficeFactory()                                   # a CPI
CompetenceFactory(office=cpi, municipality=naples)      # cpi serves naples
operator = UserFactory(operator_of=cpi)                 # cpi_operator of cpi, with TOTP
manager = UserFactory(operator_of=cpi, role=Role.CPI_MANAGER)
regional = UserFactory(regional=True)                   # role "region" in a regional office
citizen = UserFactory(citizen=True)
person = PersonFactory(competent_office=cpi)            # valid fiscal code from its data
PersonFactory(provisional=True)                         # 11-digit code, right check digit
PersonFactory(with_permit=True)                         # residence permit (permanent)
FiscalCodeChangeFactory(person=person)                  # a past correction of the code
PrivacyConsentFactory(person=person, withdrawn=True)    # a consent withdrawn
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from allauth.mfa.totp.internal.auth import TOTP

from sil.accounts.models import Membership, Role, User, UserKind
from sil.core import fiscal_code as cf
from sil.people.models import (
    ConsentKind,
    FiscalCodeChange,
    FiscalCodeChangeReason,
    Person,
    PrivacyConsent,
    Sex,
)
from sil.people.synthetic import fiscal_code_for
from sil.territory.models import (
    Competence,
    Country,
    Municipality,
    Office,
    OfficeKind,
    Province,
    Region,
)

PASSWORD = "Correct-Horse-Battery-42"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("istat_code",)

    istat_code = "15"
    name = "Campania"

    class Params:
        lazio = factory.Trait(istat_code="12", name="Lazio")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    # Two letters that no real province uses (the first letter is Q, J or W).
    code = factory.Sequence(lambda n: "QJW"[n // 26 % 3] + chr(65 + n % 26))
    istat_code = factory.Sequence(lambda n: f"9{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Provincia {n}")
    region = factory.SubFactory(RegionFactory)

    class Params:
        naples = factory.Trait(code="NA", istat_code="063", name="Napoli")
        salerno = factory.Trait(code="SA", istat_code="065", name="Salerno")
        avellino = factory.Trait(code="AV", istat_code="064", name="Avellino")
        rome = factory.Trait(
            code="RM",
            istat_code="058",
            name="Roma",
            region=factory.SubFactory(RegionFactory, lazio=True),
        )


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    # Cadastral codes under Y (unused by real municipalities) so they never clash with traits.
    istat_code = factory.Sequence(lambda n: f"99{n % 10000:04d}")
    cadastral_code = factory.Sequence(lambda n: f"Y{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Comune {n}")
    province = factory.SubFactory(ProvinceFactory, naples=True)
    province_code = factory.SelfAttribute("province.code")
    valid_from = None
    valid_to = None

    class Params:
        naples = factory.Trait(istat_code="063049", cadastral_code="F839", name="Napoli")
        salerno = factory.Trait(
            istat_code="065116",
            cadastral_code="H703",
            name="Salerno",
            province=factory.SubFactory(ProvinceFactory, salerno=True),
        )
        rome = factory.Trait(
            istat_code="058091",
            cadastral_code="H501",
            name="Roma",
            province=factory.SubFactory(ProvinceFactory, rome=True),
        )
        # A period that has ended (abolished or renamed municipality).
        abolished = factory.Trait(
            istat_code="", valid_from=dt.date(1861, 3, 17), valid_to=dt.date(1990, 12, 31)
        )


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country

    cadastral_code = factory.Sequence(lambda n: f"Z{900 + n % 100:03d}")
    name = factory.Sequence(lambda n: f"Stato {n}")

    class Params:
        romania = factory.Trait(cadastral_code="Z129", name="Romania", name_en="Romania")
        morocco = factory.Trait(cadastral_code="Z330", name="Marocco", name_en="Morocco")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    kind = OfficeKind.CPI
    code = factory.Sequence(lambda n: f"CPI-T{n:04d}")
    name = factory.Sequence(lambda n: f"Centro per l'Impiego di prova {n}")
    is_active = True

    class Params:
        desk = factory.Trait(
            kind=OfficeKind.DESK,
            code=factory.Sequence(lambda n: f"SPO-T{n:04d}"),
            name=factory.Sequence(lambda n: f"Sportello Lavoro {n}"),
        )
        region = factory.Trait(
            kind=OfficeKind.REGION,
            code=factory.Sequence(lambda n: f"REG-T{n:03d}"),
            name="Direzione regionale lavoro",
        )
        inactive = factory.Trait(is_active=False)


class CompetenceFactory(factory.django.DjangoModelFactory):
    """`CompetenceFactory(office=cpi, municipality=town)`: cpi serves town."""

    class Meta:
        model = Competence

    office = factory.SubFactory(OfficeFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """An operator with a TOTP second factor (so the MFA middleware lets it through).

    `operator_of=office` adds a membership with `role` (cpi_operator unless given);
    `regional=True` adds the "region" role in a regional office.
    """

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utente{n}@sil.example.it")
    username = factory.SelfAttribute("email")
    first_name = "Maria"
    last_name = "Bianchi"
    kind = UserKind.OPERATOR
    is_active = True
    # Not model fields: popped in _create (traits may set them).
    operator_of = None
    role = Role.CPI_OPERATOR
    mfa = True

    class Params:
        regional = factory.Trait(
            operator_of=factory.SubFactory(OfficeFactory, region=True), role=Role.REGION
        )
        citizen = factory.Trait(kind=UserKind.CITIZEN, mfa=False)
        employer = factory.Trait(kind=UserKind.EMPLOYER, mfa=False)
        superuser = factory.Trait(is_superuser=True, is_staff=True)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        office = kwargs.pop("operator_of", None)
        role = kwargs.pop("role", Role.CPI_OPERATOR)
        mfa = kwargs.pop("mfa", True)
        user = super()._create(model_class, *args, **kwargs)
        user.set_password(PASSWORD)
        user.save()
        if office is not None:
            Membership.objects.create(user=user, office=office, role=role)
        if mfa:
            TOTP.activate(user, TOTP_SECRET)
        return user

    @classmethod
    def _build(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        for name in ("operator_of", "role", "mfa"):
            kwargs.pop(name, None)
        return super()._build(model_class, *args, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Role.CPI_OPERATOR
    valid_from = None
    valid_to = None

    class Params:
        manager = factory.Trait(role=Role.CPI_MANAGER)
        targeted = factory.Trait(role=Role.TARGETED_OPERATOR)
        regional = factory.Trait(
            role=Role.REGION, office=factory.SubFactory(OfficeFactory, region=True)
        )
        admin = factory.Trait(role=Role.ADMIN)
        auditor = factory.Trait(role=Role.AUDITOR)
        expired = factory.Trait(
            valid_from=dt.date(2020, 1, 1),
            valid_to=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1)),
        )
        future = factory.Trait(
            valid_from=factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=10))
        )


def _fiscal_code(person: Any) -> str:
    place = person.birth_municipality or person.birth_country
    return fiscal_code_for(
        last_name=person.last_name,
        first_name=person.first_name,
        sex=person.sex,
        birth_date=person.birth_date,
        cadastral_code=place.cadastral_code if place is not None else "F839",
    )


class PersonFactory(factory.django.DjangoModelFactory):
    """A person whose fiscal code agrees with its birth data (written directly, no action)."""

    class Meta:
        model = Person

    last_name = factory.Faker("last_name", locale="it_IT")
    first_name = factory.Faker("first_name_male", locale="it_IT")
    sex = Sex.MALE
    # Distinct birth dates keep generated fiscal codes distinct.
    birth_date = factory.Sequence(lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=n * 7))
    birth_municipality = factory.SubFactory(MunicipalityFactory)
    birth_country = None
    citizenship = "IT"
    residence_municipality = factory.SelfAttribute("birth_municipality")
    residence_address = factory.Faker("street_address", locale="it_IT")
    email = factory.Sequence(lambda n: f"persona{n}@esempio.invalid")
    phone = "+39 333 1234567"
    competent_office = None
    fiscal_code = factory.LazyAttribute(_fiscal_code)

    class Params:
        female = factory.Trait(
            sex=Sex.FEMALE, first_name=factory.Faker("first_name_female", locale="it_IT")
        )
        born_abroad = factory.Trait(
            birth_municipality=None,
            birth_country=factory.SubFactory(CountryFactory),
            citizenship="",
            residence_municipality=factory.SubFactory(MunicipalityFactory),
        )
        provisional = factory.Trait(fiscal_code=factory.Sequence(lambda n: _provisional(n)))
        with_permit = factory.Trait(
            citizenship="MA",
            permit_type="PS",
            permit_number=factory.Sequence(lambda n: f"P{n:08d}"),
            permit_reason="LS",
            permit_expiry=dt.date(2099, 12, 31),
        )


def _provisional(n: int) -> str:
    """An 11-digit provisional fiscal code with the right check digit."""
    first10 = f"{8000000000 + n:010d}"
    return first10 + cf.provisional_check_digit(first10)


class FiscalCodeChangeFactory(factory.django.DjangoModelFactory):
    """A past correction of a person's code (written directly, no action)."""

    class Meta:
        model = FiscalCodeChange

    person = factory.SubFactory(PersonFactory)
    old_code = factory.Sequence(lambda n: _provisional(n + 500000))
    new_code = factory.SelfAttribute("person.fiscal_code")
    reason = FiscalCodeChangeReason.CORRECTION


class PrivacyConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivacyConsent

    person = factory.SubFactory(PersonFactory)
    kind = ConsentKind.PRIVACY_NOTICE
    given = True

    class Params:
        withdrawn = factory.Trait(given=False)


def two_cpi_world() -> dict[str, Any]:
    """Two CPIs, one person each, an operator of CPI A and a regional user: the usual set-up
    for scoping tests."""
    naples = MunicipalityFactory(naples=True)
    salerno = MunicipalityFactory(salerno=True)
    cpi_a, cpi_b = OfficeFactory(name="CPI A"), OfficeFactory(name="CPI B")
    CompetenceFactory(office=cpi_a, municipality=naples)
    CompetenceFactory(office=cpi_b, municipality=salerno)
    return {
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "a": PersonFactory(
            last_name="Esposito",
            first_name="Anna",
            competent_office=cpi_a,
            residence_municipality=naples,
        ),
        "b": PersonFactory(
            last_name="Russo",
            first_name="Luca",
            competent_office=cpi_b,
            residence_municipality=salerno,
        ),
        "operator_a": UserFactory(operator_of=cpi_a),
        "regional": UserFactory(regional=True),
    }
