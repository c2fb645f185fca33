"""Writes on the registry of people. Each `do_*` runs in one transaction with audit context.

Views, API, imports and the demo generator all go through `clean_person_data`, so a person
gets the same checks and the same warnings whichever way it enters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core import fiscal_code as cf
from sil.core.audit import audit_context
from sil.core.fiscal_code import UndecodableFiscalCode, decode
from sil.core.permissions import Action, require
from sil.people.models import (
    ConsentKind,
    FiscalCodeChange,
    FiscalCodeChangeReason,
    Person,
    PrivacyConsent,
    Sex,
)
from sil.people.phones import InvalidPhone, normalise_phone
from sil.territory.models import Competence, Country, Municipality, Office, OfficeKind
from sil.territory.queries import competent_office, municipality_for_cadastral_code

# Error code of a birthplace code that exists but was not in force on the birth date.
BIRTHPLACE_NOT_VALID = "birthplace_not_valid_on_birth_date"

# Fields a caller may set; the fiscal code is set once, at registration.
EDITABLE_FIELDS = (
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "birth_municipality",
    "birth_country",
    "citizenship",
    "residence_municipality",
    "residence_address",
    "domicile_municipality",
    "domicile_address",
    "email",
    "phone",
    "permit_type",
    "permit_number",
    "permit_reason",
    "permit_expiry",
)
_TEXT_FIELDS = (
    "last_name",
    "first_name",
    "citizenship",
    "residence_address",
    "domicile_address",
    "email",
    "phone",
    "permit_type",
    "permit_number",
    "permit_reason",
)


@dataclass(frozen=True)
class PersonWarning:
    """Something odd that does not block the write (erroneous fiscal codes exist)."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class PersonResult:
    person: Person
    created: bool = False
    warnings: list[PersonWarning] = field(default_factory=list)


def _valid_on(valid_from: dt.date | None, valid_to: dt.date | None, day: dt.date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to >= day)


class Lookups:
    """Territory reads needed to clean a person, memoised (one instance per batch)."""

    def __init__(self) -> None:
        self._municipalities: dict[str, list[Municipality]] = {}
        self._countries: dict[str, list[Country]] = {}
        self._offices: dict[int, Office | None] = {}

    def preload_cadastral_codes(self, codes: Iterable[str]) -> None:
        """Fetch every period of these municipalities and states in two queries."""
        wanted = set(codes)
        for code in wanted:
            if code.startswith("Z"):
                self._countries.setdefault(code, [])
            else:
                self._municipalities.setdefault(code, [])
        for municipality in Municipality.objects.filter(cadastral_code__in=wanted):
            self._municipalities[municipality.cadastral_code].append(municipality)
        for country in Country.objects.filter(cadastral_code__in=wanted):
            self._countries[country.cadastral_code].append(country)

    def preload_competences(self, municipality_ids: Iterable[int]) -> None:
        ids = list(municipality_ids)
        for municipality_id in ids:
            self._offices[municipality_id] = None
        competences = Competence.objects.filter(
            municipality_id__in=ids, office_kind=OfficeKind.CPI, office__is_active=True
        ).select_related("office")
        for competence in competences:
            self._offices[competence.municipality_id] = competence.office

    def birthplace(
        self, cadastral_code: str, day: dt.date
    ) -> tuple[Municipality | Country | None, bool]:
        """The municipality or foreign state with that code, and whether it was valid on `day`.

        When no period covers `day`, the latest period is returned (with False), so that gaps
        in the dated table do not lose the birthplace.
        """
        places: list[Municipality] | list[Country] | None
        if cadastral_code.startswith("Z"):
            places = self._countries.get(cadastral_code)
        else:
            places = self._municipalities.get(cadastral_code)
        if places is None:  # not preloaded: ask the territory app
            place = municipality_for_cadastral_code(cadastral_code, day)
            if place is not None:
                return place, True
            return municipality_for_cadastral_code(cadastral_code), False
        for place in places:
            if _valid_on(place.valid_from, place.valid_to, day):
                return place, True
        if not places:
            return None, False
        latest = max(places, key=lambda p: (p.valid_from or dt.date.min, p.pk))
        return latest, False  # type: ignore[return-value]

    def competent_office(self, municipality: Municipality | None) -> Office | None:
        """The active CPI whose competence covers the municipality, if any."""
        if municipality is None:
            return None
        if municipality.pk not in self._offices:
            self._offices[municipality.pk] = competent_office(municipality)
        return self._offices[municipality.pk]


def validate_fiscal_code(code: str) -> str:
    """The normalised code, or ValidationError on the fiscal_code field."""
    code = cf.normalise(code)
    if cf.is_provisional(code):
        if not cf.is_valid_provisional(code):
            raise ValidationError(
                {
                    "fiscal_code": ValidationError(
                        _("La cifra di controllo del codice fiscale provvisorio non è corretta."),
                        code=cf.PROVISIONAL_CHECK_DIGIT_ERROR,
                    )
                }
            )
        return code
    if not cf.SHAPE.match(code):
        raise ValidationError(
            {
                "fiscal_code": ValidationError(
                    _(
                        "Il codice fiscale deve avere 16 caratteri (6 lettere, 2 cifre, una "
                        "lettera, 2 cifre, una lettera, 3 cifre, una lettera) oppure 11 cifre."
                    ),
                    code="shape",
                )
            }
        )
    if cf.check_character(code[:15]) != code[15]:
        raise ValidationError(
            {
                "fiscal_code": ValidationError(
                    _("Il carattere di controllo del codice fiscale non è corretto."),
                    code="check_character",
                )
            }
        )
    return code


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def clean_person_data(
    code: str, values: Mapping[str, Any], lookups: Lookups | None = None
) -> tuple[dict[str, Any], list[PersonWarning]]:
    """Check and complete a person's data against the fiscal code.

    Sex and birth date missing from `values` are taken from the code; the birthplace is always
    resolved from the code's cadastral code valid on the birth date. Disagreements between
    declared and decoded data are returned as warnings. Raises ValidationError (per field) on
    data that cannot be stored. `code` must already be normalised and validated.
    """
    lookups = lookups or Lookups()
    data: dict[str, Any] = {name: values.get(name) for name in EDITABLE_FIELDS}
    for name in _TEXT_FIELDS:
        data[name] = _text(data[name])
    data["citizenship"] = _text(data["citizenship"]).upper()
    data["email"] = _text(data["email"]).lower()
    errors: dict[str, list[ValidationError]] = {}
    warnings: list[PersonWarning] = []

    def error(name: str, message: str, error_code: str) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=error_code))

    decoded = None
    if not cf.is_provisional(code):
        try:
            decoded = decode(code, declared_birth_date=data["birth_date"])
        except UndecodableFiscalCode:
            error(
                "fiscal_code",
                _("Il codice fiscale non contiene una data di nascita esistente."),
                "birth_date",
            )

    if decoded is not None:
        if not data["sex"]:
            data["sex"] = decoded.sex
        elif data["sex"] != decoded.sex:
            warnings.append(
                PersonWarning(
                    "sex_mismatch",
                    _("Il sesso dichiarato non corrisponde a quello del codice fiscale."),
                )
            )
        if not data["birth_date"]:
            data["birth_date"] = decoded.birth_date
        elif data["birth_date"] != decoded.birth_date:
            warnings.append(
                PersonWarning(
                    "birth_date_mismatch",
                    _(
                        "La data di nascita dichiarata non corrisponde a quella del codice "
                        "fiscale (%(date)s)."
                    )
                    % {"date": decoded.birth_date.strftime("%d/%m/%Y")},
                )
            )

    if not data["last_name"]:
        error("last_name", _("Indicare il cognome."), "required")
    if not data["first_name"]:
        error("first_name", _("Indicare il nome."), "required")
    if data["sex"] not in Sex.values:
        error("sex", _("Indicare il sesso (M o F)."), "required")
    birth_date = data["birth_date"]
    if not isinstance(birth_date, dt.date):
        error("birth_date", _("Indicare la data di nascita."), "required")
    elif birth_date > timezone.localdate():
        error("birth_date", _("La data di nascita non può essere nel futuro."), "future")
    if data["citizenship"] and not (
        data["citizenship"].isascii()
        and data["citizenship"].isalpha()
        and len(data["citizenship"]) in (2, 3)
    ):
        error(
            "citizenship",
            _("La cittadinanza va indicata con il codice ISO dello stato (ad esempio IT)."),
            "invalid",
        )
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            error("email", _("Indirizzo e-mail non valido."), "invalid")
    try:
        data["phone"] = normalise_phone(data["phone"])
    except InvalidPhone:
        error(
            "phone",
            _("Numero di telefono non valido (ad esempio +39 333 1234567 oppure 081 5551234)."),
            "invalid",
        )
    expiry = data["permit_expiry"]
    if expiry is not None and not isinstance(expiry, dt.date):
        error("permit_expiry", _("Data di scadenza non valida."), "invalid")
    if not isinstance(data["residence_municipality"], Municipality):
        error("residence_municipality", _("Indicare il comune di residenza."), "required")

    if decoded is not None and isinstance(birth_date, dt.date):
        place, valid = lookups.birthplace(decoded.cadastral_code, birth_date)
        declared = data["birth_municipality"] or data["birth_country"]
        if place is None:
            warnings.append(
                PersonWarning(
                    "unknown_birthplace",
                    _(
                        "Il codice catastale %(code)s del codice fiscale non corrisponde a "
                        "nessun comune o stato estero noto."
                    )
                    % {"code": decoded.cadastral_code},
                )
            )
        else:
            if not valid:
                error(
                    "fiscal_code",
                    _(
                        "Il codice catastale %(code)s del codice fiscale non era in vigore alla "
                        "data di nascita (%(date)s)."
                    )
                    % {"code": decoded.cadastral_code, "date": birth_date.strftime("%d/%m/%Y")},
                    BIRTHPLACE_NOT_VALID,
                )
            elif declared is not None and declared.cadastral_code != place.cadastral_code:
                warnings.append(
                    PersonWarning(
                        "birthplace_mismatch",
                        _(
                            "Il luogo di nascita dichiarato non corrisponde a quello del codice "
                            "fiscale (%(place)s)."
                        )
                        % {"place": place},
                    )
                )
            else:
                data["birth_municipality"] = place if isinstance(place, Municipality) else None
                data["birth_country"] = place if isinstance(place, Country) else None
    if data["birth_municipality"] is not None and data["birth_country"] is not None:
        error(
            "birth_municipality",
            _("Indicare un comune oppure uno stato estero di nascita, non entrambi."),
            "two_birthplaces",
        )
    if errors:
        raise ValidationError(errors)
    return data, warnings


def _audit(by: Any, action: str) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action}
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def competence_municipality(person: Person) -> Municipality | None:
    """The municipality that decides the competent CPI: the residence, or the domicile where
    the regional rule says so (setting SIL_COMPETENCE_BY_DOMICILE)."""
    if settings.SIL_COMPETENCE_BY_DOMICILE and person.domicile_municipality:
        return person.domicile_municipality
    return person.residence_municipality


def _apply(person: Person, data: Mapping[str, Any], lookups: Lookups) -> None:
    for name, value in data.items():
        setattr(person, name, value)
    person.competent_office = lookups.competent_office(competence_municipality(person))


_RESOLVED_PLACES = (
    "birth_municipality",
    "birth_country",
    "residence_municipality",
    "domicile_municipality",
    "competent_office",
)


def build_person(
    code: str, values: Mapping[str, Any], lookups: Lookups | None = None
) -> tuple[Person, list[PersonWarning]]:
    """A validated, unsaved Person (for batch inserts); raises ValidationError like the actions."""
    lookups = lookups or Lookups()
    code = validate_fiscal_code(code)
    data, warnings = clean_person_data(code, values, lookups)
    person = Person(fiscal_code=code)
    _apply(person, data, lookups)
    # The places were resolved by `lookups` from loaded rows: re-checking each foreign key would
    # cost one query per field per row (90% of a 10,000-row import).
    person.full_clean(
        exclude=list(_RESOLVED_PLACES), validate_unique=False, validate_constraints=False
    )
    return person, warnings


def do_register_person(data: Mapping[str, Any], *, by: Any = None) -> PersonResult:
    """Find the person by codice fiscale, or register it.

    An existing person is returned unchanged (created=False). Otherwise the data are checked
    against the code (see `clean_person_data`); warnings do not block the registration.
    """
    code = validate_fiscal_code(str(data.get("fiscal_code") or ""))
    existing = Person.objects.filter(fiscal_code=code).first()
    if existing is not None:
        return PersonResult(existing, created=False)
    person, warnings = build_person(code, data)
    try:
        with transaction.atomic(), _audit(by, "register_person"):
            person.save()
    except IntegrityError:
        # Registered meanwhile by someone else: that is the person.
        existing = Person.objects.filter(fiscal_code=code).first()
        if existing is None:
            raise
        return PersonResult(existing, created=False)
    return PersonResult(person, created=True, warnings=warnings)


def do_update_person(person: Person, data: Mapping[str, Any], *, by: Any = None) -> PersonResult:
    """Change a person's data; fields missing from `data` keep their value.

    The fiscal code cannot change here (a correction needs its own history).
    """
    if "fiscal_code" in data and cf.normalise(str(data["fiscal_code"])) != person.fiscal_code:
        raise ValidationError(
            {
                "fiscal_code": ValidationError(
                    _("Il codice fiscale non si modifica da qui."), code="immutable"
                )
            }
        )
    values = {name: getattr(person, name) for name in EDITABLE_FIELDS}
    values.update({name: data[name] for name in EDITABLE_FIELDS if name in data})
    if (
        "birth_municipality" not in data
        and "birth_country" not in data
        and not cf.is_provisional(person.fiscal_code)
    ):
        # The birthplace follows the code; re-resolved against a possibly new birth date.
        values["birth_municipality"] = values["birth_country"] = None
    lookups = Lookups()
    cleaned, warnings = clean_person_data(person.fiscal_code, values, lookups)
    with transaction.atomic(), _audit(by, "update_person"):
        locked = Person.objects.select_for_update().get(pk=person.pk)
        _apply(locked, cleaned, lookups)
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked.save()
    person.refresh_from_db()
    return PersonResult(person, created=False, warnings=warnings)


@dataclass
class BulkResult:
    created: int = 0
    existing: int = 0
    warnings: dict[str, list[PersonWarning]] = field(default_factory=dict)


def do_bulk_register_people(
    rows: Iterable[Mapping[str, Any]], *, by: Any = None, lookups: Lookups | None = None
) -> BulkResult:
    """Register many people at once: every row is checked first, then the new ones inserted.

    Nothing is written when any row is bad: the ValidationError lists every bad row. People
    already registered (by fiscal code) are left unchanged and counted as existing.
    """
    rows = list(rows)
    lookups = lookups or Lookups()
    result = BulkResult()
    problems: list[ValidationError] = []
    people: dict[str, Person] = {}
    for number, row in enumerate(rows, start=1):
        try:
            person, warnings = build_person(str(row.get("fiscal_code") or ""), row, lookups)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    problems.append(
                        ValidationError(
                            _("riga %(row)d: %(field)s: %(message)s")
                            % {"row": number, "field": name, "message": message},
                            code="invalid_row",
                        )
                    )
            continue
        if person.fiscal_code in people:
            problems.append(
                ValidationError(
                    _("riga %(row)d: fiscal_code: codice fiscale ripetuto nel file.")
                    % {"row": number},
                    code="duplicate_row",
                )
            )
            continue
        people[person.fiscal_code] = person
        if warnings:
            result.warnings[person.fiscal_code] = warnings
    if problems:
        raise ValidationError(problems)
    with transaction.atomic(), _audit(by, "bulk_register_people"):
        stored = set(
            Person.objects.filter(fiscal_code__in=list(people)).values_list(
                "fiscal_code", flat=True
            )
        )
        new = [person for code, person in people.items() if code not in stored]
        Person.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    result.created = len(new)
    result.existing = len(people) - len(new)
    return result


def do_change_fiscal_code(
    person: Person, new_code: str, *, reason: str, note: str = "", by: Any = None
) -> PersonResult:
    """Correct or reissue a person's codice fiscale, keeping the old one in the history.

    The new code is checked like a new registration (the birthplace it names must have been
    in force on the birth date); disagreements with the declared data come back as warnings.
    """
    new_code = validate_fiscal_code(new_code)
    if reason not in FiscalCodeChangeReason.values:
        raise ValidationError(
            {"reason": ValidationError(_("Motivo della variazione non valido."), code="invalid")}
        )
    if new_code == person.fiscal_code:
        raise ValidationError(
            {
                "fiscal_code": ValidationError(
                    _("Il nuovo codice fiscale è uguale a quello attuale."), code="unchanged"
                )
            }
        )
    if Person.objects.filter(fiscal_code=new_code).exclude(pk=person.pk).exists():
        raise ValidationError(
            {
                "fiscal_code": ValidationError(
                    _("Il codice fiscale è già assegnato a un'altra persona."), code="taken"
                )
            }
        )
    values = {name: getattr(person, name) for name in EDITABLE_FIELDS}
    if not cf.is_provisional(new_code):
        values["birth_municipality"] = values["birth_country"] = None
    lookups = Lookups()
    cleaned, warnings = clean_person_data(new_code, values, lookups)
    try:
        with transaction.atomic(), _audit(by, "change_fiscal_code"):
            locked = Person.objects.select_for_update().get(pk=person.pk)
            FiscalCodeChange.objects.create(
                person=locked,
                old_code=locked.fiscal_code,
                new_code=new_code,
                reason=reason,
                note=_text(note)[:300],
                by=by if getattr(by, "pk", None) else None,
            )
            locked.fiscal_code = new_code
            _apply(locked, cleaned, lookups)
            locked.save()
    except IntegrityError:
        raise ValidationError(
            {
                "fiscal_code": ValidationError(
                    _("Il codice fiscale è già assegnato a un'altra persona."), code="taken"
                )
            }
        ) from None
    person.refresh_from_db()
    return PersonResult(person, created=False, warnings=warnings)


def do_record_consent(
    person: Person, kind: str, *, given: bool, by: Any = None, at: dt.datetime | None = None
) -> PrivacyConsent:
    """Record a consent given or withdrawn (a new row each time: the history stays)."""
    if kind not in ConsentKind.values:
        raise ValidationError(
            {"kind": ValidationError(_("Tipo di consenso non valido."), code="invalid")}
        )
    with transaction.atomic(), _audit(by, "record_consent"):
        return PrivacyConsent.objects.create(
            person=person,
            kind=kind,
            given=given,
            at=at or timezone.now(),
            by=by if getattr(by, "pk", None) else None,
        )
