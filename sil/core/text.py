"""Names and other text people type or lists bring: no control characters, no bidirectional
controls.

A control character (C0, DEL, C1) in a surname breaks files and terminals downstream (an XML
export refuses it, a NUL stops PostgreSQL); a right-to-left override (U+202E) makes
"Rossi<U+202E>txt.exe" display as "Rossiexe.txt", in lists, e-mails and files alike. The rule
is one validator, attached to the text fields of the models (so forms, model validation and the
API serializers built from them all apply it) and run by the bulk imports on every row. Ordinary
whitespace stays where a field holds several lines; a one-line field refuses line breaks too
(the forms and imports collapse blanks before checking, so only exact input such as the API's
can meet that).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Bidirectional marks, embeddings, overrides and isolates (Unicode Bidi_Control).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_C0_C1 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # controls except tab, line feed, CR
_MULTILINE = re.compile(f"[{_C0_C1}{BIDI_CONTROLS}]")
_ONE_LINE = re.compile(f"[{_C0_C1}\t\n\r\u2028\u2029{BIDI_CONTROLS}]")

CONTROL_CHARACTER = "control_character"
BIDI_CONTROL = "bidi_control"
LINE_BREAK = "line_break"


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".strip()


@deconstructible
class PlainTextValidator:
    """Refuses control and bidirectional characters; `multiline` keeps tab and line breaks."""

    messages = {
        CONTROL_CHARACTER: _(
            "Il testo contiene un carattere di controllo non ammesso (%(char)s): toglierlo e "
            "riprovare."
        ),
        BIDI_CONTROL: _(
            "Il testo contiene un carattere che cambia la direzione della scrittura "
            "(%(char)s), non ammesso: toglierlo e riprovare."
        ),
        LINE_BREAK: _("Il testo deve stare su una riga: togliere a capo e tabulazioni."),
    }

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline
        self.pattern = _MULTILINE if multiline else _ONE_LINE

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        found = self.pattern.search(value)
        if found is None:
            return
        char = found.group()
        if char in BIDI_CONTROLS:
            code = BIDI_CONTROL
        elif char in "\t\n\r\u2028\u2029":
            code = LINE_BREAK
        else:
            code = CONTROL_CHARACTER
        raise ValidationError(self.messages[code], code=code, params={"char": _describe(char)})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((PlainTextValidator, self.multiline))


validate_one_line = PlainTextValidator()
validate_multiline = PlainTextValidator(multiline=True)


def is_plain(value: str) -> bool:
    """Whether a one-line text passes `validate_one_line` (a fast check for bulk loads)."""
    # Every refused character is unprintable (Cc, Cf, Zl, Zp): the C check settles most rows.
    return value.isprintable() or _ONE_LINE.search(value) is None


if TYPE_CHECKING:  # the stubs' fields are generic, Django's are not subscriptable at run time
    _CharField = models.CharField[Any, str]
    _TextField = models.TextField[Any, str]
else:
    _CharField, _TextField = models.CharField, models.TextField

# The rule travels with the field class rather than with `validators=[…]`, so it needs no
# migration and is not frozen into old ones: `deconstruct` names the plain Django field.


class PlainCharField(_CharField):
    """A one-line CharField that refuses control and bidirectional characters."""

    default_validators = [validate_one_line]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class PlainTextField(_TextField):
    """A multi-line TextField that refuses control (but not tab or line breaks) and
    bidirectional characters."""

    default_validators = [validate_multiline]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


def plain_text_errors(model: type[models.Model], data: Mapping[str, Any]) -> dict[str, Any]:
    """{field: ValidationError} for the values of `data` that the model's plain-text fields
    refuse (for actions that write without a full model validation)."""
    errors: dict[str, Any] = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        for validator in getattr(field, "validators", ()):
            if isinstance(validator, PlainTextValidator):
                try:
                    validator(value)
                except ValidationError as exc:
                    errors[name] = [exc]
    return errors
