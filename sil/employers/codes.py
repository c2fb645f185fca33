"""Employer codes: partita IVA and codice fiscale of firms (11 digits) or sole traders (16 chars).

Pure functions, no database. Errors come back as codes; the actions turn them into Italian
messages.

    vat_number_errors("01234567897")     # [] or [SHAPE, CHECK_DIGIT, OFFICE_CODE]
    fiscal_code_errors("RSSMRA79B11C566R")  # personal codes are checked by sil.core.fiscal_code
    make_vat_number(1234567, office=63)  # a valid partita IVA (synthetic data)
"""

from __future__ import annotations

import re
from typing import Literal

from sil.core import fiscal_code as personal

ELEVEN_DIGITS = re.compile(r"^[0-9]{11}$")

# Error codes.
SHAPE = "shape"
CHECK_DIGIT = "check_digit"
OFFICE_CODE = "office_code"
ZERO_NUMBER = "zero_number"
CHECK_CHARACTER = "check_character"
BIRTH_DATE = "birth_date"

CodeKind = Literal["company", "person"]

# Digits 8-10 of a partita IVA name the issuing office: 001-100 provincial offices, 120 and 121
# the Agenzia's special offices, 888 and 999 (non-resident and centrally issued numbers).
_SPECIAL_OFFICES = frozenset({120, 121, 888, 999})


def normalise(code: str) -> str:
    """Upper case without blanks; an "IT" prefix of a VAT number (VIES form) is dropped."""
    text = re.sub(r"[\s.\-]+", "", code or "").upper()
    if len(text) == 13 and text.startswith("IT") and text[2:].isdigit():
        return text[2:]
    return text


def check_digit(first10: str) -> str:
    """The 11th digit of a partita IVA or numeric codice fiscale (Agenzia delle Entrate).

    Digits in odd positions (1-based) are added as they are; digits in even positions are
    doubled, less 9 when above 9; the check digit brings the total to a multiple of 10.
    """
    if len(first10) != 10 or not first10.isdigit():
        raise ValueError("ten digits expected")
    return personal.provisional_check_digit(first10)


def _valid_office(office: int) -> bool:
    return 1 <= office <= 100 or office in _SPECIAL_OFFICES


def vat_number_errors(code: str) -> list[str]:
    """Error codes of a partita IVA; empty when it is valid."""
    code = normalise(code)
    if not ELEVEN_DIGITS.match(code):
        return [SHAPE]
    if check_digit(code[:10]) != code[10]:
        return [CHECK_DIGIT]
    if int(code[:7]) == 0:
        return [ZERO_NUMBER]
    if not _valid_office(int(code[7:10])):
        return [OFFICE_CODE]
    return []


def is_valid_vat_number(code: str) -> bool:
    return not vat_number_errors(code)


def code_kind(code: str) -> CodeKind | None:
    """ "company" for 11 digits, "person" for 16 characters, None for any other shape."""
    code = normalise(code)
    if ELEVEN_DIGITS.match(code):
        return "company"
    if len(code) == 16:
        return "person"
    return None


def fiscal_code_errors(code: str) -> list[str]:
    """Error codes of an employer's codice fiscale; empty when it is valid.

    11 digits (companies, bodies, associations: the same check digit as a partita IVA, but the
    digits before it follow no office rule) or 16 characters (a sole trader's personal code,
    checked in full, birth date included).
    """
    code = normalise(code)
    kind = code_kind(code)
    if kind == "company":
        if check_digit(code[:10]) != code[10]:
            return [CHECK_DIGIT]
        if int(code[:10]) == 0:
            return [ZERO_NUMBER]
        return []
    if kind == "person":
        if not personal.SHAPE.match(code):
            return [SHAPE]
        errors = personal.validate(code)
        if personal.CHECK_CHARACTER_ERROR in errors:
            return [CHECK_CHARACTER]
        if personal.BIRTH_DATE_ERROR in errors:
            return [BIRTH_DATE]
        return []
    return [SHAPE]


def is_valid_fiscal_code(code: str) -> bool:
    return not fiscal_code_errors(code)


def make_vat_number(number: int, office: int) -> str:
    """A valid partita IVA from a company number (1-9,999,999) and an office code."""
    if not 1 <= number <= 9_999_999:
        raise ValueError("the company number must be between 1 and 9,999,999")
    if not _valid_office(office):
        raise ValueError(f"unknown office code {office}")
    first10 = f"{number:07d}{office:03d}"
    return first10 + check_digit(first10)
