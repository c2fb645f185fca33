"""Ids and dates typed by users, in query strings, forms or URLs."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_date

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


def parse_day(value: object) -> dt.date | None:
    """The date in `value` when it is YYYY-MM-DD and exists, else None (Django's parse_date
    raises ValueError on a well-formed date that does not exist, e.g. 2026-02-30)."""
    try:
        return parse_date(str(value))
    except ValueError:
        return None
