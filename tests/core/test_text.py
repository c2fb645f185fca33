"""The rule on names and texts: no control characters, no bidirectional controls."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from sil.core.text import (
    PlainCharField,
    PlainTextField,
    is_plain,
    plain_text_errors,
    validate_multiline,
    validate_one_line,
)
from sil.employers.models import Employer
from sil.people.models import Person
from sil.vacancies.models import Vacancy

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI += ["\u200e", "\u200f", "\u061c"]
CONTROLS = [
    chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
]


def _code(validator, text):
    with pytest.raises(ValidationError) as caught:
        validator(text)
    return caught.value.code


@pytest.mark.parametrize("char", BIDI)
def test_bidirectional_controls_are_refused_everywhere(char):
    text = f"Rossi{char}txt.exe"
    assert _code(validate_one_line, text) == "bidi_control"
    assert _code(validate_multiline, text) == "bidi_control"
    assert not is_plain(text)


@pytest.mark.parametrize("char", CONTROLS)
def test_c0_c1_and_del_are_refused_everywhere(char):
    text = f"Ros{char}si"
    assert _code(validate_one_line, text) == "control_character"
    assert _code(validate_multiline, text) == "control_character"


@pytest.mark.parametrize("char", ["\t", "\n", "\r", "\u2028", "\u2029"])
def test_line_breaks_only_where_the_field_has_lines(char):
    assert _code(validate_one_line, f"Via Roma{char}1") == "line_break"
    validate_multiline("Siamo un'impresa.\r\n\tCerchiamo persone.")


@pytest.mark.parametrize(
    "text",
    ["Rossi", "D'Amico", "Nguyễn", "Ødegård", "Müller-Lüdenscheidt", "O\u2019Brien", "李", ""],
)
def test_names_of_every_alphabet_pass(text):
    validate_one_line(text)
    validate_multiline(text)
    assert is_plain(text)


def test_the_message_names_the_character_in_italian():
    with pytest.raises(ValidationError) as caught:
        validate_one_line("Rossi\u202e")
    (message,) = caught.value.messages
    assert "direzione della scrittura" in message
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in message


def test_fields_carry_the_rule_without_a_migration():
    field = PlainCharField(max_length=10)
    assert validate_one_line in field.validators
    assert field.deconstruct()[1] == "django.db.models.CharField"
    text = PlainTextField()
    assert validate_multiline in text.validators
    assert text.deconstruct()[1] == "django.db.models.TextField"


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (Person, ["last_name", "first_name", "residence_address", "domicile_address"]),
        (Employer, ["name", "legal_form", "address", "description"]),
        (Vacancy, ["title", "description", "how_to_apply", "intermediary"]),
    ],
)
def test_person_employer_and_vacancy_texts_use_it(model, names):
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, (PlainCharField, PlainTextField)), name
    errors = plain_text_errors(model, dict.fromkeys(names, "x\u202e") | {"id": 1})
    assert sorted(errors) == sorted(names)


def test_every_free_text_field_of_these_models_uses_it():
    """A new name or text field on these models must not forget the rule."""
    plain = (PlainCharField, PlainTextField)
    missing = [
        f"{model.__name__}.{field.name}"
        for model in (Person, Employer, Vacancy)
        for field in model._meta.get_fields()
        if isinstance(field, (models.CharField, models.TextField))
        and not isinstance(field, plain)
        and not field.choices
        and not isinstance(field, (models.EmailField, models.URLField))
        and field.name not in {"fiscal_code", "vat_number", "ateco_section"}
    ]
    assert missing == []
