"""Birth data read out of a codice fiscale: kept for callers; the code lives in sil.core.fiscal_code."""

from __future__ import annotations

from sil.core.fiscal_code import (
    MINIMUM_AGE_YEARS,
    MONTH_LETTERS,
    DecodedFiscalCode,
    UndecodableFiscalCode,
    decode,
)

__all__ = [
    "MINIMUM_AGE_YEARS",
    "MONTH_LETTERS",
    "DecodedFiscalCode",
    "UndecodableFiscalCode",
    "decode",
]
