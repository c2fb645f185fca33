"""SMS length: GSM-7 (3GPP TS 23.038 default alphabet) or UCS-2, and how many segments.

A text written only with the GSM-7 default alphabet travels 7 bits a character: 160 characters
in one SMS, 153 in each part of a longer one (the user data header takes the rest). Characters
of the extension table (€, [, ], {, }, ~, ^, \\, |, form feed) take two septets (escape + code)
and are never split across two parts. Any other character (È, À, Ù, curly quotes, emoji…) turns the whole
message into UCS-2: 70 UTF-16 units in one SMS, 67 in each part, a surrogate pair never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The default alphabet, in table order (0x00-0x7F), without the escape code 0x1B. Note what is
# there (è é ù ì ò à, É, Ç, Ä Ö Ñ Ü ä ö ñ ü) and what is not (È À Ù Ì Ò, á í ó ú, ç).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs the escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7_ALL = GSM7_BASIC | GSM7_EXTENSION

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    # Characters that forced UCS-2, so an editor can point at them.
    non_gsm: tuple[str, ...] = ()


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_ALL for ch in text)


def _pack(costs: list[int], single: int, part: int) -> int:
    """Parts needed for characters of the given unit costs; a character is never split."""
    if sum(costs) <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments += 1
            used = 0
        used += cost
    return segments


def sms_length(text: str) -> SmsLength:
    """Encoding, length in units and number of segments of `text` (an empty text is one SMS)."""
    if is_gsm7(text):
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        return SmsLength("GSM-7", sum(costs), _pack(costs, GSM7_SINGLE, GSM7_PART))
    costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    non_gsm = tuple(dict.fromkeys(ch for ch in text if ch not in GSM7_ALL))
    return SmsLength("UCS-2", sum(costs), _pack(costs, UCS2_SINGLE, UCS2_PART), non_gsm)


# Texts written only with one-septet characters (nearly every Italian message: è é ù ì ò à are
# there) or only with BMP characters need no per-character packing: the length says it all.
_GSM7_BASIC_ONLY = re.compile("[" + re.escape("".join(sorted(GSM7_BASIC))) + "]*")
_GSM7_ALL_ONLY = re.compile("[" + re.escape("".join(sorted(GSM7_ALL))) + "]*")
_BMP_ONLY = re.compile("[\u0000-\uffff]*")


def _parts(units: int, single: int, part: int) -> int:
    return 1 if units <= single else -(-units // part)


def sms_segments(text: str) -> int:
    """Segments of `text`, as sms_length(text).segments, without building the cost table when
    every character costs one unit (a one-septet GSM-7 text, or a UCS-2 one within the BMP)."""
    if _GSM7_BASIC_ONLY.fullmatch(text):
        return _parts(len(text), GSM7_SINGLE, GSM7_PART)
    if not _GSM7_ALL_ONLY.fullmatch(text) and _BMP_ONLY.fullmatch(text):
        return _parts(len(text), UCS2_SINGLE, UCS2_PART)
    return sms_length(text).segments
