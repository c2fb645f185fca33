from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sil.core import fiscal_code as cf
from sil.employers import codes

# Real, published partite IVA (public companies' own documents).
REAL_VAT_NUMBERS = [
    "00488410010",  # TIM S.p.A.
    "00905811006",  # Poste Italiane S.p.A.
    "06655971007",  # Enel Energia S.p.A.
    "00484960588",  # ENI S.p.A. (codice fiscale)
]


@pytest.mark.parametrize("code", REAL_VAT_NUMBERS)
def test_real_numbers_have_the_right_check_digit(code):
    assert codes.fiscal_code_errors(code) == []
    assert codes.check_digit(code[:10]) == code[10]


def test_known_vat_numbers_are_valid():
    assert codes.vat_number_errors("00488410010") == []
    assert codes.vat_number_errors("IT 00488410010") == []  # VIES form


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("0048841001", codes.SHAPE),
        ("004884100101", codes.SHAPE),
        ("0048841001A", codes.SHAPE),
        ("00488410011", codes.CHECK_DIGIT),
        ("00000000000", codes.ZERO_NUMBER),
    ],
)
def test_bad_vat_numbers(code, error):
    assert codes.vat_number_errors(code) == [error]


def test_office_code_must_exist():
    first10 = "1234567" + "500"  # office 500 does not exist
    code = first10 + codes.check_digit(first10)
    assert codes.vat_number_errors(code) == [codes.OFFICE_CODE]
    # The same digits are acceptable as a numeric codice fiscale (bodies, associations).
    assert codes.fiscal_code_errors(code) == []


def test_sole_trader_codes_are_checked_as_personal_codes():
    code = cf.encode(
        last_name="Rossi", first_name="Mario", sex="M", birth_date=dt.date(1979, 2, 11),
        cadastral_code="C566",
    )  # fmt: skip
    assert codes.code_kind(code) == "person"
    assert codes.fiscal_code_errors(code) == []
    wrong = code[:15] + ("A" if code[15] != "A" else "B")
    assert codes.fiscal_code_errors(wrong) == [codes.CHECK_CHARACTER]
    assert codes.fiscal_code_errors("RSSMRA79B11C56") == [codes.SHAPE]
    assert codes.fiscal_code_errors("RSSMRA1234567890") == [codes.SHAPE]


def test_impossible_birth_date_in_a_sole_traders_code():
    first15 = "RSSMRA79B31C566"  # 31 February
    assert codes.fiscal_code_errors(first15 + cf.check_character(first15)) == [codes.BIRTH_DATE]


def test_make_vat_number_rejects_bad_input():
    with pytest.raises(ValueError):
        codes.make_vat_number(0, 63)
    with pytest.raises(ValueError):
        codes.make_vat_number(1, 400)
    with pytest.raises(ValueError):
        codes.check_digit("123")


@given(
    number=st.integers(min_value=1, max_value=9_999_999),
    office=st.one_of(
        st.integers(min_value=1, max_value=100), st.sampled_from([120, 121, 888, 999])
    ),
)
def test_generated_numbers_are_valid(number, office):
    code = codes.make_vat_number(number, office)
    assert len(code) == 11
    assert codes.vat_number_errors(code) == []
    assert codes.fiscal_code_errors(code) == []


@given(
    number=st.integers(min_value=1, max_value=9_999_999),
    office=st.integers(min_value=1, max_value=100),
    position=st.integers(min_value=0, max_value=10),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_caught(number, office, position, delta):
    code = codes.make_vat_number(number, office)
    digits = list(code)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert codes.check_digit("".join(digits)[:10]) != "".join(digits)[10]


@given(
    number=st.integers(min_value=1, max_value=9_999_999),
    office=st.integers(min_value=1, max_value=100),
    position=st.integers(min_value=0, max_value=9),
)
def test_swapping_adjacent_digits_is_caught_unless_they_are_09_or_equal(number, office, position):
    code = codes.make_vat_number(number, office)
    a, b = code[position], code[position + 1]
    swapped = code[:position] + b + a + code[position + 2 :]
    if {a, b} in ({"0", "9"},) or a == b:
        return  # the Luhn-like check cannot see these (a documented property)
    assert codes.check_digit(swapped[:10]) != swapped[10]


@given(st.text(max_size=20))
def test_never_crashes_on_arbitrary_text(text):
    assert isinstance(codes.vat_number_errors(text), list)
    assert isinstance(codes.fiscal_code_errors(text), list)
