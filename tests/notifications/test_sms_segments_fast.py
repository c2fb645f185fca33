"""sms_segments' shortcut (length arithmetic) agrees with the full per-character count."""

from __future__ import annotations

import random

import pytest

from sil.notifications.sms import GSM7_BASIC, GSM7_EXTENSION, sms_length, sms_segments

BASIC = sorted(GSM7_BASIC)
EXTENSION = sorted(GSM7_EXTENSION)
OUTSIDE = list("ÈÀÙÌÒç\u2019\u201c")
ASTRAL = ["😀", "𝄞"]


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("È" * 70, 1),
        ("È" * 71, 2),
        ("È" * 134, 2),
        ("È" * 135, 3),
        ("a" * 152 + "€", 1),  # two septets: 154 fit in one SMS
        ("a" * 159 + "€", 2),
        ("a" * 69 + "😀", 2),  # a surrogate pair is never split
    ],
)
def test_boundaries(text: str, segments: int) -> None:
    assert sms_segments(text) == segments == sms_length(text).segments


@pytest.mark.parametrize(
    "pool",
    [BASIC, BASIC + EXTENSION, BASIC + OUTSIDE, BASIC + EXTENSION + OUTSIDE + ASTRAL, OUTSIDE],
    ids=["basic", "extension", "ucs2", "mixed", "outside-only"],
)
def test_random_texts_agree_with_the_full_count(pool: list[str]) -> None:
    rng = random.Random(6)
    for _ in range(400):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 480)))
        assert sms_segments(text) == sms_length(text).segments, text
