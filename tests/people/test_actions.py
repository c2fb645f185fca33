import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sil.people.actions import do_bulk_register_people, do_register_person, do_update_person
from sil.people.models import Person
from sil.people.synthetic import fiscal_code_for, omocodic_variant
from tests.factories import (
    CompetenceFactory,
    CountryFactory,
    MunicipalityFactory,
    OfficeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1985, 6, 14)


@pytest.fixture
def naples():
    return MunicipalityFactory(naples=True)


@pytest.fixture
def cpi_naples(naples):
    cpi = OfficeFactory(name="CPI Napoli")
    CompetenceFactory(office=cpi, municipality=naples)
    return cpi


def code_for(place="F839", sex="F", birth_date=BIRTH, last_name="Esposito", first_name="Anna"):
    return fiscal_code_for(
        last_name=last_name,
        first_name=first_name,
        sex=sex,
        birth_date=birth_date,
        cadastral_code=place,
    )


def data(naples, **extra):
    values = {
        "fiscal_code": code_for(),
        "last_name": "Esposito",
        "first_name": "Anna",
        "sex": "F",
        "birth_date": BIRTH,
        "residence_municipality": naples,
        "residence_address": "Via Toledo 1",
        "email": "Anna.Esposito@Esempio.it",
    }
    values.update(extra)
    return values


def warning_codes(result):
    return [w.code for w in result.warnings]


def test_register_creates_person_with_birthplace_and_competent_office(naples, cpi_naples):
    result = do_register_person(data(naples))
    assert result.created
    assert result.warnings == []
    person = Person.objects.get(fiscal_code=code_for())
    assert person.birth_municipality == naples
    assert person.birth_country is None
    assert person.competent_office == cpi_naples
    assert person.email == "anna.esposito@esempio.it"


def test_register_normalises_the_code(naples):
    result = do_register_person(data(naples, fiscal_code=" " + code_for().lower() + " "))
    assert result.person.fiscal_code == code_for()


def test_sex_and_birth_date_come_from_the_code_when_missing(naples):
    result = do_register_person(data(naples, sex="", birth_date=None))
    assert result.warnings == []
    assert (result.person.sex, result.person.birth_date) == ("F", BIRTH)


def test_disagreeing_birth_data_warn_but_do_not_block(naples):
    result = do_register_person(data(naples, sex="M", birth_date=dt.date(1985, 6, 15)))
    assert result.created
    assert warning_codes(result) == ["sex_mismatch", "birth_date_mismatch"]
    assert "14/06/1985" in result.warnings[1].message
    person = Person.objects.get(pk=result.person.pk)
    assert (person.sex, person.birth_date) == ("M", dt.date(1985, 6, 15))  # as declared


def test_declared_birthplace_disagreeing_with_code_warns(naples):
    elsewhere = MunicipalityFactory()
    result = do_register_person(data(naples, birth_municipality=elsewhere))
    assert warning_codes(result) == ["birthplace_mismatch"]
    assert result.person.birth_municipality == elsewhere


def test_unknown_cadastral_code_warns(naples):
    code = code_for(place="Y999")
    result = do_register_person(data(naples, fiscal_code=code))
    assert warning_codes(result) == ["unknown_birthplace"]
    assert result.person.birthplace is None


def test_birthplace_is_the_period_valid_on_the_birth_date(naples):
    old = MunicipalityFactory(
        cadastral_code="A001", name="Vecchio", valid_from=None, valid_to=dt.date(1990, 12, 31)
    )
    new = MunicipalityFactory(cadastral_code="A001", name="Nuovo", valid_from=dt.date(1991, 1, 1))
    before = do_register_person(
        data(naples, fiscal_code=code_for("A001", birth_date=BIRTH), birth_date=BIRTH)
    )
    after_date = dt.date(1995, 3, 3)
    after = do_register_person(
        data(naples, fiscal_code=code_for("A001", birth_date=after_date), birth_date=after_date)
    )
    assert before.person.birth_municipality == old
    assert after.person.birth_municipality == new
    assert before.warnings == after.warnings == []


def test_code_not_in_force_on_birth_date_is_refused(naples):
    MunicipalityFactory(cadastral_code="A002", valid_from=dt.date(2009, 1, 1))
    with pytest.raises(ValidationError) as caught:
        do_register_person(data(naples, fiscal_code=code_for("A002")))
    assert [e.code for e in caught.value.error_dict["fiscal_code"]] == [
        "birthplace_not_valid_on_birth_date"
    ]
    assert not Person.objects.exists()


def test_provisional_code_with_a_wrong_check_digit_is_refused(naples):
    with pytest.raises(ValidationError) as caught:
        do_register_person(data(naples, fiscal_code="12345678901"))
    assert [e.code for e in caught.value.error_dict["fiscal_code"]] == ["provisional_check_digit"]


def test_foreign_birth_country(naples):
    romania = CountryFactory(romania=True)
    result = do_register_person(data(naples, fiscal_code=code_for("Z129"), citizenship="ro"))
    assert result.warnings == []
    assert result.person.birth_country == romania
    assert result.person.birth_municipality is None
    assert result.person.citizenship == "RO"


def test_omocodic_code_decodes(naples):
    code = omocodic_variant(code_for(), 3)
    result = do_register_person(data(naples, fiscal_code=code, sex="", birth_date=None))
    assert result.person.fiscal_code == code
    assert (result.person.sex, result.person.birth_date) == ("F", BIRTH)
    assert result.person.birth_municipality == naples


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("RSSMRA79B11C566A", "check_character"),
        ("RSSMRA79Z11C566R", "shape"),
        ("RSSMRA", "shape"),
        ("", "shape"),
        ("1234567890", "shape"),
    ],
)
def test_bad_codes_are_refused_and_nothing_is_written(naples, code, error_code):
    with pytest.raises(ValidationError) as caught:
        do_register_person(data(naples, fiscal_code=code))
    assert caught.value.error_dict["fiscal_code"][0].code == error_code
    assert not Person.objects.exists()


def test_code_with_impossible_date_is_refused(naples):
    first15 = "RSSMRA79B31C566"  # 31 February
    from sil.core.fiscal_code import check_character

    with pytest.raises(ValidationError) as caught:
        do_register_person(data(naples, fiscal_code=first15 + check_character(first15)))
    assert "fiscal_code" in caught.value.error_dict
    assert not Person.objects.exists()


def test_missing_fields_are_reported_together(naples):
    with pytest.raises(ValidationError) as caught:
        do_register_person(
            data(naples, last_name=" ", first_name="", residence_municipality=None, email="x@")
        )
    assert set(caught.value.error_dict) == {
        "last_name",
        "first_name",
        "residence_municipality",
        "email",
    }


def test_future_birth_date_is_refused(naples):
    with pytest.raises(ValidationError) as caught:
        do_register_person(
            data(naples, fiscal_code="12345678903", birth_date=dt.date.today() + dt.timedelta(1))
        )
    assert "birth_date" in caught.value.error_dict


def test_provisional_code_needs_declared_birth_data(naples):
    with pytest.raises(ValidationError) as caught:
        do_register_person(data(naples, fiscal_code="12345678903", sex="", birth_date=None))
    assert set(caught.value.error_dict) == {"sex", "birth_date"}
    result = do_register_person(data(naples, fiscal_code="12345678903"))
    assert result.created
    assert result.person.has_provisional_fiscal_code
    assert result.person.birthplace is None


def test_register_finds_existing_person_unchanged(naples):
    first = do_register_person(data(naples))
    again = do_register_person(data(naples, first_name="Annamaria", phone="000"))
    assert not again.created
    assert again.person.pk == first.person.pk
    assert Person.objects.count() == 1
    assert Person.objects.get().first_name == "Anna"


def test_domicile_decides_the_competent_office(naples, cpi_naples):
    salerno = MunicipalityFactory(salerno=True)
    cpi_salerno = OfficeFactory()
    CompetenceFactory(office=cpi_salerno, municipality=salerno)
    result = do_register_person(data(naples, domicile_municipality=salerno))
    assert result.person.competent_office == cpi_salerno


def test_only_active_cpis_are_competent(naples):
    CompetenceFactory(office=OfficeFactory(desk=True), municipality=naples)
    CompetenceFactory(office=OfficeFactory(inactive=True), municipality=naples)
    result = do_register_person(data(naples))
    assert result.person.competent_office is None


def test_update_moves_the_person_and_records_history(naples, cpi_naples):
    person = do_register_person(data(naples)).person
    salerno = MunicipalityFactory(salerno=True)
    cpi_salerno = OfficeFactory()
    CompetenceFactory(office=cpi_salerno, municipality=salerno)
    operator = UserFactory(operator_of=cpi_naples)
    result = do_update_person(
        person, {"residence_municipality": salerno, "phone": "081 1234567"}, by=operator
    )
    person.refresh_from_db()
    assert person.residence_municipality == salerno
    assert person.competent_office == cpi_salerno
    assert person.phone == "+390811234567"  # E.164
    assert person.first_name == "Anna"  # untouched
    assert person.birth_municipality == naples  # still from the code
    assert result.warnings == []
    events = list(person.events.order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[-1].pgh_context.metadata["user"] == operator.pk
    assert events[-1].pgh_context.metadata["action"] == "update_person"


def test_update_warns_on_disagreeing_data_and_refuses_a_new_code(naples):
    person = do_register_person(data(naples)).person
    result = do_update_person(person, {"sex": "M"})
    assert warning_codes(result) == ["sex_mismatch"]
    with pytest.raises(ValidationError) as caught:
        do_update_person(person, {"fiscal_code": "12345678903"})
    assert "fiscal_code" in caught.value.error_dict
    with pytest.raises(ValidationError):
        do_update_person(person, {"last_name": ""})
    person.refresh_from_db()
    assert person.last_name == "Esposito"


def test_bulk_registration_is_all_or_nothing(naples, cpi_naples):
    good = data(naples)
    other = data(naples, fiscal_code=code_for(first_name="Maria"), first_name="Maria")
    bad = data(naples, fiscal_code="RSSMRA79B11C566A")
    with pytest.raises(ValidationError) as caught:
        do_bulk_register_people([good, bad, other, dict(good)])
    messages = caught.value.messages
    assert any(m.startswith("riga 2: fiscal_code") for m in messages)
    assert any(m.startswith("riga 4: fiscal_code") for m in messages)
    assert not Person.objects.exists()
    result = do_bulk_register_people([good, other])
    assert (result.created, result.existing) == (2, 0)
    assert set(Person.objects.values_list("competent_office", flat=True)) == {cpi_naples.pk}
    again = do_bulk_register_people([good, other])
    assert (again.created, again.existing) == (0, 2)
