"""Ids typed by users, in query strings, forms or URLs."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # ids are bigint


def parse_id(value: object) -> int | None:
    """The id in `value` when it is ASCII digits within the bigint range, else None.

    str.isdigit() also accepts digits like "²" that int() refuses, and a value past the bigint
    range fails in the database: both would be server errors.
    """
    text = str(value)
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_ID else None
