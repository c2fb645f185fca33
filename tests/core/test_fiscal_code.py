import pytest
from codicefiscale import codicefiscale as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from sil.core import fiscal_code as cf


@pytest.mark.parametrize("code", ["RCCMNL83S18D969H", "CNTCHR83T41D969D", "RSSMRA79B11C566R"])
def test_spec_vectors_are_valid(code):
    assert cf.is_valid(code)
    assert cf.is_valid(code.lower())


@pytest.mark.parametrize("code", ["RSSMRA79B11C566A", "RSSMRA79Z11C566R", "RSSMRA79B11C56", ""])
def test_bad_codes_are_rejected(code):
    assert not cf.is_valid(code)


def test_omocodic_variant_keeps_base():
    omocodic = "RSSMRA79B11C56SR"[:15]
    omocodic += cf.check_character(omocodic)
    assert cf.is_valid(omocodic)
    assert cf.is_omocodic(omocodic)
    assert cf.base_code(omocodic) == "RSSMRA79B11C566R"


@settings(deadline=None)
@given(st.lists(st.sampled_from(cf.OMOCODIC_POSITIONS), unique=True))
def test_every_omocodic_variant_is_valid_and_agrees_with_reference(positions):
    chars = list("RSSMRA79B11C566R")
    for pos in positions:
        chars[pos] = "LMNPQRSTUV"[int(chars[pos])]
    first15 = "".join(chars[:15])
    code = first15 + cf.check_character(first15)
    assert cf.is_valid(code)
    assert reference.is_valid(code)
    assert cf.base_code(code) == "RSSMRA79B11C566R"
    assert cf.is_omocodic(code) == bool(positions)


def test_provisional_code():
    assert cf.is_provisional("12345678901")
    assert not cf.is_provisional("1234567890")
