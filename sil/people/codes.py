"""Birth data read out of a codice fiscale (pure functions, no database).

The birthplace code needs the dated table of municipalities and is resolved by the actions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sil.core import fiscal_code as cf

MONTH_LETTERS = "ABCDEHLMPRST"
# Nobody younger than this is registered; it settles the century when no birth date is declared.
MINIMUM_AGE_YEARS = 14


class UndecodableFiscalCode(ValueError):
    """The code has a valid shape and check character but no real birth date in it."""


@dataclass(frozen=True)
class DecodedFiscalCode:
    sex: str  # "M" or "F"
    birth_date: dt.date
    cadastral_code: str


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
    base = cf.base_code(code)
    two_digits = int(base[6:8])
    month = MONTH_LETTERS.index(base[8]) + 1
    day = int(base[9:11])
    sex = "F" if day > 40 else "M"
    if day > 40:
        day -= 40
    year = _century_year(two_digits, declared_birth_date, today or dt.date.today())
    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise UndecodableFiscalCode(code) from None
    return DecodedFiscalCode(sex=sex, birth_date=birth_date, cadastral_code=base[11:15])
