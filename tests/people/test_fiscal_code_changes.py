"""CF history, consents and competence (residence or domicile by regional rule)."""

import datetime as dt

import pghistory.models
import pytest
from django.core.exceptions import ValidationError

from sil.core import fiscal_code as cf
from sil.people.actions import (
    do_change_fiscal_code,
    do_record_consent,
    do_register_person,
    do_update_person,
)
from sil.people.models import FiscalCodeChange, Person, PrivacyConsent
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def naples():
    return MunicipalityFactory(naples=True)


def test_correction_keeps_the_old_code_in_the_history(naples):
    person = PersonFactory(birth_municipality=naples, residence_municipality=naples)
    old = person.fiscal_code
    new = cf.omocodic_variant(old, 1)
    operator = UserFactory()
    result = do_change_fiscal_code(person, new, reason="correction", note="errore", by=operator)
    assert result.person.fiscal_code == new
    change = FiscalCodeChange.objects.get()
    assert (change.old_code, change.new_code, change.reason, change.by) == (
        old,
        new,
        "correction",
        operator,
    )
    assert pghistory.models.Events.objects.filter(pgh_model="people.FiscalCodeChangeEvent").exists()


def test_change_refuses_bad_taken_or_same_codes(naples):
    person = PersonFactory(birth_municipality=naples, residence_municipality=naples)
    other = PersonFactory(birth_municipality=naples, residence_municipality=naples)
    cases = [
        ("RSSMRA79B11C566A", "check_character"),
        (other.fiscal_code, "taken"),
        (person.fiscal_code, "unchanged"),
    ]
    for code, error in cases:
        with pytest.raises(ValidationError) as caught:
            do_change_fiscal_code(person, code, reason="reissue")
        assert [e.code for e in caught.value.error_dict["fiscal_code"]] == [error]
    with pytest.raises(ValidationError):
        do_change_fiscal_code(person, cf.omocodic_variant(person.fiscal_code, 1), reason="x")
    assert not FiscalCodeChange.objects.exists()
    person.refresh_from_db()
    assert cf.validate(person.fiscal_code) == []


def test_reissue_to_a_code_for_another_birthplace_warns_on_disagreement(naples):
    person = PersonFactory(birth_municipality=naples, residence_municipality=naples)
    rome = MunicipalityFactory(rome=True)
    new = cf.encode(
        last_name=person.last_name,
        first_name=person.first_name,
        sex="F",
        birth_date=person.birth_date,
        cadastral_code=rome.cadastral_code,
    )
    result = do_change_fiscal_code(person, new, reason="reissue")
    assert [w.code for w in result.warnings] == ["sex_mismatch"]
    assert result.person.birth_municipality == rome  # the birthplace follows the code


def test_consents_are_appended(naples):
    person = PersonFactory(birth_municipality=naples, residence_municipality=naples)
    do_record_consent(person, "digital_contact", given=True)
    do_record_consent(person, "digital_contact", given=False)
    assert PrivacyConsent.objects.filter(person=person).count() == 2
    latest = PrivacyConsent.objects.latest_per_kind().get(person=person)
    assert latest.given is False
    with pytest.raises(ValidationError):
        do_record_consent(person, "nonsense", given=True)


def test_phone_is_validated_and_stored_in_e164(naples):
    values = {
        "last_name": "Esposito",
        "first_name": "Anna",
        "residence_municipality": naples,
        "fiscal_code": cf.encode(
            last_name="Esposito",
            first_name="Anna",
            sex="F",
            birth_date=dt.date(1990, 5, 5),
            cadastral_code=naples.cadastral_code,
        ),
    }
    with pytest.raises(ValidationError) as caught:
        do_register_person({**values, "phone": "12"})
    assert [e.code for e in caught.value.error_dict["phone"]] == ["invalid"]
    person = do_register_person({**values, "phone": "333 123 4567"}).person
    assert person.phone == "+393331234567"
    person = do_update_person(person, {"phone": "+33 1 42 68 53 00"}).person
    assert person.phone == "+33142685300"


def test_permit_special_expiry_values(naples):
    person = PersonFactory(birth_municipality=naples, residence_municipality=naples)
    person = do_update_person(
        person, {"permit_type": "PS", "permit_expiry": dt.date(1900, 1, 1)}
    ).person
    assert person.permit_awaiting_renewal and not person.permit_permanent
    person = do_update_person(person, {"permit_expiry": dt.date(2099, 12, 31)}).person
    assert person.permit_permanent


@pytest.mark.parametrize(("by_domicile", "expected"), [(True, "domicile"), (False, "residence")])
def test_competence_follows_the_regional_rule(settings, naples, by_domicile, expected):
    settings.SIL_COMPETENCE_BY_DOMICILE = by_domicile
    salerno = MunicipalityFactory(salerno=True)
    offices = {"residence": OfficeFactory(), "domicile": OfficeFactory()}
    CompetenceFactory(office=offices["residence"], municipality=naples)
    CompetenceFactory(office=offices["domicile"], municipality=salerno)
    person = PersonFactory(birth_municipality=naples, residence_municipality=naples)
    person = do_update_person(person, {"domicile_municipality": salerno}).person
    assert person.competent_office == offices[expected]
    # Moving the domicile away again recomputes it from the residence.
    person = do_update_person(person, {"domicile_municipality": None}).person
    assert person.competent_office == offices["residence"]
    assert Person.objects.get(pk=person.pk).competent_office == offices["residence"]
