"""A codice fiscale checked against every rule, birthplace included (the API's answer).

Pure rules live in sil.core.fiscal_code; this adds the dated table of municipalities and
foreign states (a Belfiore code must have been in force on the birth date).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sil.core import fiscal_code as cf
from sil.territory.queries import municipality_for_cadastral_code

BIRTHPLACE_UNKNOWN = "birthplace_unknown"
BIRTHPLACE_NOT_VALID = "birthplace_not_valid_on_birth_date"


def error_message(code: str) -> str:
    messages = {
        cf.SHAPE_ERROR: _(
            "Il codice fiscale deve avere 16 caratteri (6 lettere, 2 cifre, una lettera, "
            "2 cifre, una lettera, 3 cifre, una lettera) oppure 11 cifre."
        ),
        cf.CHECK_CHARACTER_ERROR: _("Il carattere di controllo del codice fiscale non è corretto."),
        cf.BIRTH_DATE_ERROR: _("Il codice fiscale non contiene una data di nascita esistente."),
        cf.PROVISIONAL_CHECK_DIGIT_ERROR: _(
            "La cifra di controllo del codice fiscale provvisorio non è corretta."
        ),
        BIRTHPLACE_UNKNOWN: _(
            "Il codice catastale del codice fiscale non corrisponde a nessun comune o stato "
            "estero noto."
        ),
        BIRTHPLACE_NOT_VALID: _(
            "Il codice catastale del codice fiscale non era in vigore alla data di nascita."
        ),
    }
    return messages.get(code, code)


def check_fiscal_code(code: str) -> dict[str, Any]:
    """{"valid", "errors": [{"code", "message"}], "sex", "birth_date", "birthplace", "omocodic"}.

    An unknown cadastral code is an error here (the dated table is the reference); the
    registration actions only warn about it, since the table may lag behind new codes.
    """
    code = cf.normalise(code)
    result: dict[str, Any] = {
        "code": code,
        "valid": False,
        "errors": [],
        "provisional": cf.is_provisional(code),
        "sex": None,
        "birth_date": None,
        "birthplace": None,
        "omocodic": False,
    }
    errors = cf.validate(code)
    if not errors and not result["provisional"]:
        decoded = cf.decode(code)
        result.update(
            sex=decoded.sex, birth_date=decoded.birth_date.isoformat(), omocodic=decoded.omocodic
        )
        place = municipality_for_cadastral_code(decoded.cadastral_code, decoded.birth_date)
        if place is None:
            other = municipality_for_cadastral_code(decoded.cadastral_code)
            errors.append(BIRTHPLACE_NOT_VALID if other is not None else BIRTHPLACE_UNKNOWN)
            place = other
        if place is not None:
            result["birthplace"] = {"code": place.cadastral_code, "name": place.name}
    result["errors"] = [{"code": error, "message": error_message(error)} for error in errors]
    result["valid"] = not errors
    return result
