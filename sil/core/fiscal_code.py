"""Codice fiscale: shape, check character, omocodia, encoding and decoding (DM 23-12-1976 n.13813).

Pure functions with no database access. Whether the birthplace code was in force on the birth
date needs the dated table of municipalities: the people app checks it with the territory app.

    errors = validate("RSSMRA79B11C566R")        # [] or error codes (SHAPE, CHECK_CHARACTER…)
    decoded = decode("RSSMRA79B11C566R", declared_birth_date=...)
    variants = list(omocodic_variants(code))     # the 128 codes of one base, the base first
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

SHAPE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
PROVISIONAL = re.compile(r"^[0-9]{11}$")
MONTH_LETTERS = "ABCDEHLMPRST"
OMOCODIC_LETTERS = "LMNPQRSTUV"  # replace the digits 0-9
# Positions (0-based) where omocodia may replace a digit with a letter, rightmost first.
OMOCODIC_POSITIONS = (14, 13, 12, 10, 9, 7, 6)
# Nobody younger than this is registered; it settles the century when no birth date is declared.
MINIMUM_AGE_YEARS = 14
FEMALE_DAY_OFFSET = 40

# Error codes returned by validate(); the people app maps them to localised messages.
SHAPE_ERROR = "shape"
CHECK_CHARACTER_ERROR = "check_character"
BIRTH_DATE_ERROR = "birth_date"
PROVISIONAL_CHECK_DIGIT_ERROR = "provisional_check_digit"

# Warning codes returned by agreement_warnings().
SEX_MISMATCH = "sex_mismatch"
BIRTH_DATE_MISMATCH = "birth_date_mismatch"
BIRTHPLACE_MISMATCH = "birthplace_mismatch"

_VOWELS = frozenset("AEIOU")
_OMOCODIA = str.maketrans(OMOCODIC_LETTERS, "0123456789")
# Odd positions score 0-9 as A-J, then K-Z (SPEC §1).
_ODD_SCORES = (
    1,
    0,
    5,
    7,
    9,
    13,
    15,
    17,
    19,
    21,
    2,
    4,
    18,
    20,
    11,
    3,
    6,
    8,
    12,
    14,
    16,
    10,
    22,
    25,
    24,
    23,
)
_ODD = {
    **dict(zip("0123456789", _ODD_SCORES[:10], strict=True)),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _ODD_SCORES, strict=True)),
}
_EVEN = {
    **{str(d): d for d in range(10)},
    **{chr(65 + i): i for i in range(26)},
}


class UndecodableFiscalCode(ValueError):
    """The code has a valid shape and check character but no real birth date in it."""


@dataclass(frozen=True)
class DecodedFiscalCode:
    sex: str  # "M" or "F"
    birth_date: dt.date
    cadastral_code: str
    omocodic: bool = False


def normalise(code: str) -> str:
    return re.sub(r"\s+", "", code or "").upper()


def check_character(first15: str) -> str:
    total = sum((_ODD if index % 2 == 0 else _EVEN)[char] for index, char in enumerate(first15))
    return chr(65 + total % 26)


def is_valid(code: str) -> bool:
    """True for a well-formed personal code with the right check character."""
    code = normalise(code)
    return bool(SHAPE.match(code)) and check_character(code[:15]) == code[15]


def is_provisional(code: str) -> bool:
    """The shape of the 11-digit codice fiscale provvisorio (same shape as a partita IVA)."""
    return bool(PROVISIONAL.match(normalise(code)))


def provisional_check_digit(first10: str) -> str:
    """The 11th digit of a provisional code: the partita IVA algorithm (Luhn-like).

    Digits in odd positions (1-based) are added; digits in even positions are doubled, less 9
    when above 9, then added; the check digit brings the sum to a multiple of 10.
    """
    total = 0
    for index, char in enumerate(first10):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def is_valid_provisional(code: str) -> bool:
    code = normalise(code)
    return bool(PROVISIONAL.match(code)) and provisional_check_digit(code[:10]) == code[10]


def is_omocodic(code: str) -> bool:
    code = normalise(code)
    return any(code[pos].isalpha() for pos in OMOCODIC_POSITIONS)


def base_code(code: str) -> str:
    """The code with omocodic letters turned back into digits and the check recomputed."""
    chars = list(normalise(code))
    for pos in OMOCODIC_POSITIONS:
        chars[pos] = chars[pos].translate(_OMOCODIA)
    first15 = "".join(chars[:15])
    return first15 + check_character(first15)


def omocodic_variant(code: str, level: int) -> str:
    """The `level`-th omocodic variant: the rightmost `level` digits turned into letters.

    This is the order in which the Agenzia delle Entrate assigns them to people who collide.
    """
    chars = list(base_code(code)[:15])
    for pos in OMOCODIC_POSITIONS[:level]:
        chars[pos] = OMOCODIC_LETTERS[int(chars[pos])]
    first15 = "".join(chars)
    return first15 + check_character(first15)


def omocodic_variants(code: str) -> Iterator[str]:
    """Every code sharing this one's base (2**7 = 128), the base first, each with its CIN."""
    base = list(base_code(code)[:15])
    for size in range(len(OMOCODIC_POSITIONS) + 1):
        for positions in itertools.combinations(OMOCODIC_POSITIONS, size):
            chars = list(base)
            for pos in positions:
                chars[pos] = OMOCODIC_LETTERS[int(chars[pos])]
            first15 = "".join(chars)
            yield first15 + check_character(first15)


def _century_year(two_digits: int, declared: dt.date | None, today: dt.date) -> int:
    if declared is not None and declared.year % 100 == two_digits:
        return declared.year
    candidate = 2000 + two_digits
    if candidate > today.year - MINIMUM_AGE_YEARS:
        candidate -= 100
    return candidate


def decode(
    code: str, *, declared_birth_date: dt.date | None = None, today: dt.date | None = None
) -> DecodedFiscalCode:
    """Sex, birth date and cadastral code of a valid 16-character code (omocodia undone).

    The century is ambiguous: the declared birth date settles it when its last two digits
    agree; otherwise the most recent century that makes the person at least 14 years old.
    Raises UndecodableFiscalCode when the date is not a real one.
    """
    base = base_code(code)
    two_digits = int(base[6:8])
    month = MONTH_LETTERS.index(base[8]) + 1
    day = int(base[9:11])
    sex = "F" if day > FEMALE_DAY_OFFSET else "M"
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
    year = _century_year(two_digits, declared_birth_date, today or dt.date.today())
    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise UndecodableFiscalCode(code) from None
    return DecodedFiscalCode(
        sex=sex, birth_date=birth_date, cadastral_code=base[11:15], omocodic=is_omocodic(code)
    )


def validate(code: str, *, declared_birth_date: dt.date | None = None) -> list[str]:
    """Error codes of a personal or provisional code; empty when it is valid.

    Checks shape, check character (or check digit) and that the birth date is a real date.
    The birthplace against the dated table of municipalities is checked by the people app.
    """
    code = normalise(code)
    if is_provisional(code):
        return [] if is_valid_provisional(code) else [PROVISIONAL_CHECK_DIGIT_ERROR]
    if not SHAPE.match(code):
        return [SHAPE_ERROR]
    if check_character(code[:15]) != code[15]:
        return [CHECK_CHARACTER_ERROR]
    try:
        decode(code, declared_birth_date=declared_birth_date)
    except UndecodableFiscalCode:
        return [BIRTH_DATE_ERROR]
    return []


def agreement_warnings(
    decoded: DecodedFiscalCode,
    *,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    cadastral_code: str | None = None,
) -> list[str]:
    """Which declared data disagree with the code (warn, don't block: wrong codes exist)."""
    warnings = []
    if sex and sex != decoded.sex:
        warnings.append(SEX_MISMATCH)
    if birth_date and birth_date != decoded.birth_date:
        warnings.append(BIRTH_DATE_MISMATCH)
    if cadastral_code and cadastral_code.upper() != decoded.cadastral_code:
        warnings.append(BIRTHPLACE_MISMATCH)
    return warnings


# Encoding -------------------------------------------------------------------------------------


def plain_letters(text: str) -> str:
    """Upper-case A-Z only: accents dropped, apostrophes and spaces removed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(char for char in plain.upper() if "A" <= char <= "Z")


def surname_part(last_name: str) -> str:
    """Consonants, then vowels, then X, three characters."""
    letters = plain_letters(last_name)
    consonants = [c for c in letters if c not in _VOWELS]
    vowels = [c for c in letters if c in _VOWELS]
    return "".join([*consonants, *vowels, "X", "X", "X"][:3])


def name_part(first_name: str) -> str:
    """With four or more consonants the 1st, 3rd and 4th; otherwise as for the surname."""
    consonants = [c for c in plain_letters(first_name) if c not in _VOWELS]
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return surname_part(first_name)


def encode(
    *, last_name: str, first_name: str, sex: str, birth_date: dt.date, cadastral_code: str
) -> str:
    """The codice fiscale of these birth data (DM 23-12-1976), before any omocodia."""
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "F" else 0)
    first15 = (
        surname_part(last_name)
        + name_part(first_name)
        + f"{birth_date.year % 100:02d}"
        + MONTH_LETTERS[birth_date.month - 1]
        + f"{day:02d}"
        + cadastral_code.upper()
    )
    return first15 + check_character(first15)
