"""Languages by ISO 639-1 code, named in the user's language.

The names come from Django's own list (`global_settings.LANGUAGES`) and its translations, so
"en" reads "Inglese" in Italian and "English" in English: people choose a name, never type a code.
"""

from __future__ import annotations

from django.conf import global_settings
from django.utils.translation import gettext


def language_codes() -> frozenset[str]:
    return frozenset(code for code, _name in global_settings.LANGUAGES if len(code) == 2)


def language_choices(blank: str | None = "---------") -> list[tuple[str, str]]:
    """(code, name) for every two-letter language, sorted by name in the active language."""
    names = {code: gettext(name) for code, name in global_settings.LANGUAGES if len(code) == 2}
    choices = sorted(names.items(), key=lambda item: item[1].casefold())
    return ([("", blank)] if blank is not None else []) + choices


def language_name(code: str) -> str:
    """The language's name in the active language; the code itself when unknown."""
    for known, name in global_settings.LANGUAGES:
        if known == code:
            return gettext(name)
    return code
