"""SMS length against the 3GPP TS 23.038 default alphabet and its extension table."""

from __future__ import annotations

import pytest

from sil.notifications.sms import GSM7_BASIC, GSM7_EXTENSION, is_gsm7, sms_length, sms_segments


def test_the_tables_have_the_standard_size() -> None:
    # 128 codes minus the escape; 10 extension characters (including form feed).
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10


@pytest.mark.parametrize("ch", list("èéùìòàÉÇÄÖÑÜäöñü£¥§¿¡ΔΩ"))
def test_letters_of_the_basic_set(ch: str) -> None:
    assert is_gsm7(ch)
    assert sms_length(ch * 160) == sms_length("a" * 160)


@pytest.mark.parametrize("ch", list("ÈÀÙÌÒáíóúç\u2019\u201c\u201d😀"))
def test_letters_outside_the_alphabet_force_ucs2(ch: str) -> None:
    length = sms_length("Appuntamento " + ch)
    assert length.encoding == "UCS-2"
    assert length.non_gsm == (ch,)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("è" * 160, 1),
        # € is an extension character: two septets.
        ("€" * 80, 1),
        ("€" + "a" * 159, 2),
        # An escape pair is not split: 152 septets then € does not fit in 153.
        ("a" * 152 + "€" + "a" * 10, 2),
        ("a" * 152 + "€" + "a" * 152, 3),
        ("È" * 70, 1),
        ("È" * 71, 2),
        ("È" * 134, 2),
        ("È" * 135, 3),
        # An emoji takes two UTF-16 units and is never split.
        ("😀" * 35, 1),
        ("a" * 68 + "😀", 1),
        ("a" * 66 + "😀" + "a" * 66, 3),
    ],
)
def test_segments(text: str, segments: int) -> None:
    assert sms_segments(text) == segments


def test_units_count_escape_septets() -> None:
    assert sms_length("{ciao}").units == 8
    assert sms_length("[x]").encoding == "GSM-7"
