"""Telephone numbers: parsed and validated with phonenumbers, stored in E.164 (+39…)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "IT"


class InvalidPhone(ValueError):
    pass


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164; "" for empty input; InvalidPhone when it is not a valid number."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(text) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    """Digits with the usual separators and at least six digits: a search by telephone."""
    stripped = text.strip()
    digits = sum(char.isdigit() for char in stripped)
    return digits >= 6 and all(char.isdigit() or char in "+ -./()" for char in stripped)
