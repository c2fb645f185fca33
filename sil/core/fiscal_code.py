"""Codice fiscale: shape, check character and omocodia (DM 23-12-1976 n.13813).

Pure functions with no database access; decoding the birthplace needs the dated table of
municipalities and lives in the territory app.
"""

from __future__ import annotations

import re

SHAPE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
PROVISIONAL = re.compile(r"^[0-9]{11}$")
# Positions (0-based) where omocodia may replace a digit with a letter, rightmost first.
OMOCODIC_POSITIONS = (14, 13, 12, 10, 9, 7, 6)
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_ODD = {
    **dict(zip("0123456789", (1, 0, 5, 7, 9, 13, 15, 17, 19, 21), strict=True)),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (
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
            ),
            strict=True,
        )
    ),
}
_EVEN = {
    **{str(d): d for d in range(10)},
    **{chr(65 + i): i for i in range(26)},
}


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
    """The 11-digit codice fiscale provvisorio (same shape as a partita IVA)."""
    return bool(PROVISIONAL.match(normalise(code)))


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
