"""Writes on employers, their sites and their users. Each `do_*` runs in one transaction.

Every check runs before anything is written: a ValidationError (Italian messages, per field)
leaves the database untouched. Pages, API, demo and imports call the same actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.accounts.models import User, UserKind
from sil.classifications.models import EconomicActivity
from sil.core.actions import action
from sil.core.text import plain_text_errors
from sil.employers import codes
from sil.employers.models import (
    DirectoryConsent,
    Employer,
    EmployerMembership,
    EmployerRole,
    EmployerSite,
    EmployerSize,
)
from sil.people.phones import InvalidPhone, normalise_phone
from sil.territory.models import Municipality, Office
from sil.territory.queries import competent_office

# ATECO editions a firm may be classified with: 2025 is preferred; 2007 (and its 2022 update)
# are still accepted because registrations made before April 2025 carry them.
ATECO_EDITIONS = ("2025", "2022", "2007")
PREFERRED_ATECO_EDITION = "2025"

# Fields operators may set (the codes are set once, at registration).
EDITABLE_FIELDS = (
    "name",
    "legal_form",
    "economic_activity",
    "size",
    "employees",
    "municipality",
    "address",
    "postcode",
    "email",
    "pec",
    "phone",
    "website",
    "description",
    "office",
)
# What the firm's own users may change from the employer area.
PROFILE_FIELDS = ("email", "pec", "phone", "website", "description")
SITE_FIELDS = ("name", "municipality", "address", "postcode", "email", "phone", "is_active")

_TEXT_FIELDS = ("name", "legal_form", "address", "postcode", "phone", "website")
_MULTILINE_FIELDS = ("description",)

_FISCAL_CODE_MESSAGES = {
    codes.SHAPE: gettext_lazy(
        "Il codice fiscale dell'impresa deve avere 11 cifre, oppure 16 caratteri per le "
        "ditte individuali."
    ),
    codes.CHECK_DIGIT: gettext_lazy("La cifra di controllo del codice fiscale non è corretta."),
    codes.ZERO_NUMBER: gettext_lazy("Il codice fiscale non può essere composto di soli zeri."),
    codes.CHECK_CHARACTER: gettext_lazy(
        "Il carattere di controllo del codice fiscale non è corretto."
    ),
    codes.BIRTH_DATE: gettext_lazy("Il codice fiscale non contiene una data di nascita esistente."),
}
_VAT_MESSAGES = {
    codes.SHAPE: gettext_lazy("La partita IVA deve avere 11 cifre."),
    codes.CHECK_DIGIT: gettext_lazy("La cifra di controllo della partita IVA non è corretta."),
    codes.ZERO_NUMBER: gettext_lazy(
        "Il numero di matricola della partita IVA non può essere zero."
    ),
    codes.OFFICE_CODE: gettext_lazy(
        "Le cifre 8-10 della partita IVA non indicano un ufficio esistente."
    ),
}


def _by(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, name: str, message: str, code: str) -> None:
        self.errors.setdefault(name, []).append(ValidationError(message, code=code))

    def check_text(self, model: Any, data: Mapping[str, Any]) -> None:
        """The model's rule on names and texts (no control or bidirectional characters)."""
        for name, found in plain_text_errors(model, data).items():
            self.errors.setdefault(name, []).extend(found)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def validate_employer_fiscal_code(code: str) -> str:
    """The normalised codice fiscale of a firm or sole trader, or ValidationError."""
    code = codes.normalise(code)
    problems = codes.fiscal_code_errors(code)
    if problems:
        raise ValidationError(
            {"fiscal_code": ValidationError(_FISCAL_CODE_MESSAGES[problems[0]], code=problems[0])}
        )
    return code


def validate_vat_number(code: str) -> str:
    """The normalised partita IVA ("" when empty), or ValidationError."""
    code = codes.normalise(code)
    if not code:
        return ""
    problems = codes.vat_number_errors(code)
    if problems:
        raise ValidationError(
            {"vat_number": ValidationError(_VAT_MESSAGES[problems[0]], code=problems[0])}
        )
    return code


def ateco_section(activity: EconomicActivity | None) -> str:
    """The section letter of an ATECO node (walks up the tree: at most five steps)."""
    node = activity
    while node is not None and node.level != "section":
        node = node.parent
    return node.code if node is not None else ""


def size_for(employees: int | None) -> str:
    """The EU size class of a head count."""
    if employees is None:
        return ""
    if employees < 10:
        return EmployerSize.MICRO
    if employees < 50:
        return EmployerSize.SMALL
    if employees < 250:
        return EmployerSize.MEDIUM
    return EmployerSize.LARGE


def _check_contacts(data: dict[str, Any], errors: _Errors) -> None:
    for name in ("email", "pec"):
        if name in data:
            data[name] = _text(data[name]).lower()
            if data[name]:
                try:
                    validate_email(data[name])
                except ValidationError:
                    errors.add(name, _("Indirizzo e-mail non valido."), "invalid")
    if "phone" in data:
        try:
            data["phone"] = normalise_phone(data["phone"])
        except InvalidPhone:
            errors.add(
                "phone",
                _("Numero di telefono non valido (ad esempio 081 5551234 oppure +39 333 1234567)."),
                "invalid",
            )
    if data.get("website"):
        website = data["website"]
        if "://" not in website:
            website = f"https://{website}"
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors.add("website", _("Indirizzo del sito web non valido."), "invalid")
        else:
            data["website"] = website
    postcode = data.get("postcode")
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        errors.add("postcode", _("Il CAP è composto da 5 cifre."), "invalid")


def _clean(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    data = {name: values.get(name) for name in fields}
    for name in _TEXT_FIELDS:
        if name in data:
            data[name] = _text(data[name])
    for name in _MULTILINE_FIELDS:
        if name in data:
            data[name] = str(data[name] or "").strip()
    return data


def clean_employer_data(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """Check and normalise the given fields of an employer; raises ValidationError per field."""
    data = _clean(values, fields)
    errors = _Errors()
    errors.check_text(Employer, data)
    if "name" in data and not data["name"]:
        errors.add("name", _("Indicare la ragione sociale."), "required")
    if "municipality" in data:
        municipality = data["municipality"]
        if not isinstance(municipality, Municipality):
            errors.add("municipality", _("Indicare il comune della sede legale."), "required")
        elif not municipality.is_current:
            errors.add(
                "municipality",
                _("Il comune «%(name)s» non esiste più: indicare il comune attuale.")
                % {"name": municipality.name},
                "not_current",
            )
    if "economic_activity" in data:
        activity = data["economic_activity"]
        if activity is not None:
            if not isinstance(activity, EconomicActivity):
                errors.add("economic_activity", _("Attività economica non valida."), "invalid")
            elif activity.edition not in ATECO_EDITIONS:
                errors.add(
                    "economic_activity",
                    _("Sono ammessi codici ATECO 2025 oppure ATECO 2007."),
                    "edition",
                )
            elif activity.level == "section":
                errors.add(
                    "economic_activity",
                    _("Indicare un codice ATECO più preciso della sola sezione (almeno 2 cifre)."),
                    "too_generic",
                )
    if "employees" in data:
        employees = data["employees"]
        if employees is not None and (not isinstance(employees, int) or employees < 0):
            errors.add("employees", _("Numero di addetti non valido."), "invalid")
    if "size" in data:
        data["size"] = data["size"] or ""
        if data["size"] and data["size"] not in EmployerSize.values:
            errors.add("size", _("Dimensione non valida."), "invalid")
    if "office" in data and data["office"] is not None:
        office = data["office"]
        if not isinstance(office, Office) or not office.is_active:
            errors.add("office", _("Il CPI indicato non è attivo."), "inactive")
    _check_contacts(data, errors)
    errors.raise_if_any()
    return data


def _complete(employer: Employer, data: Mapping[str, Any]) -> None:
    """Apply cleaned data and fill what derives from it (section, size, competent CPI)."""
    for name, value in data.items():
        setattr(employer, name, value)
    employer.ateco_section = ateco_section(employer.economic_activity)
    if not employer.size and employer.employees is not None:
        employer.size = size_for(employer.employees)
    if employer.office_id is None and employer.municipality_id is not None:
        employer.office = competent_office(employer.municipality_id)


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {
            "fiscal_code": ValidationError(
                _("Un'impresa con questo codice fiscale è già registrata."), code="taken"
            )
        }
    )


def do_register_employer(data: Mapping[str, Any], *, by: Any = None) -> Employer:
    """Register a firm by codice fiscale; the CPI defaults to the competent one of the seat.

    For an 11-digit code of a commercial company (first digit 0-7) with no partita IVA given,
    the partita IVA is the code itself, as the Agenzia delle Entrate assigns it.
    """
    errors: dict[str, Any] = {}
    fiscal_code = vat_number = ""
    try:
        fiscal_code = validate_employer_fiscal_code(str(data.get("fiscal_code") or ""))
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        vat_number = validate_vat_number(str(data.get("vat_number") or ""))
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        cleaned = clean_employer_data(data, EDITABLE_FIELDS)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if Employer.objects.filter(fiscal_code=fiscal_code).exists():
        raise _duplicate_error()
    if not vat_number and fiscal_code[0] in "01234567" and codes.is_valid_vat_number(fiscal_code):
        vat_number = fiscal_code
    employer = Employer(fiscal_code=fiscal_code, vat_number=vat_number)
    _complete(employer, cleaned)
    consent = bool(data.get("directory_consent"))
    now = timezone.now()
    try:
        with action(by, "register_employer"):
            if consent:
                employer.directory_consent = True
                employer.directory_consent_at = now
            employer.save()
            if consent:
                DirectoryConsent.objects.create(employer=employer, given=True, at=now, by=_by(by))
    except IntegrityError:
        raise _duplicate_error() from None
    return employer


def do_update_employer(
    employer: Employer,
    data: Mapping[str, Any],
    *,
    by: Any = None,
    fields: Iterable[str] = EDITABLE_FIELDS,
) -> Employer:
    """Change an employer's data; only `fields` present in `data` are touched.

    The codes cannot change here; the partita IVA may be added or corrected (`vat_number` in
    `data`) by operators.
    """
    allowed = set(fields)
    if "fiscal_code" in data and codes.normalise(str(data["fiscal_code"])) != employer.fiscal_code:
        raise ValidationError(
            {
                "fiscal_code": ValidationError(
                    _("Il codice fiscale non si modifica da qui."), code="immutable"
                )
            }
        )
    wanted = [name for name in EDITABLE_FIELDS if name in allowed and name in data]
    cleaned = clean_employer_data(data, wanted)
    vat_number = None
    if "vat_number" in data and "vat_number" in allowed:
        vat_number = validate_vat_number(str(data["vat_number"] or ""))
    with action(by, "update_employer", employer=employer.pk):
        locked = Employer.objects.select_for_update().get(pk=employer.pk)
        if (
            "municipality" in cleaned
            and "office" not in cleaned
            and cleaned["municipality"] != locked.municipality
        ):
            # A new seat: the competent CPI follows it.
            locked.office = None
        if "employees" in cleaned and "size" not in cleaned:
            locked.size = ""
        _complete(locked, cleaned)
        if vat_number is not None:
            locked.vat_number = vat_number
        locked.save()
    employer.refresh_from_db()
    return employer


def do_set_directory_consent(
    employer: Employer, given: bool, *, by: Any = None, at: dt.datetime | None = None
) -> DirectoryConsent:
    """Record the consent to appear in the public directory (each change kept, with its date)."""
    at = at or timezone.now()
    with action(by, "set_directory_consent", employer=employer.pk):
        locked = Employer.objects.select_for_update().get(pk=employer.pk)
        locked.directory_consent = given
        locked.directory_consent_at = at
        locked.save(update_fields=["directory_consent", "directory_consent_at", "updated_at"])
        consent = DirectoryConsent.objects.create(employer=locked, given=given, at=at, by=_by(by))
    employer.refresh_from_db()
    return consent


def do_deactivate_employer(employer: Employer, *, by: Any = None) -> Employer:
    """The firm ceased or left: hidden from the directory, its users can no longer sign in
    (unless they act for another active firm). Its history stays."""
    with action(by, "deactivate_employer", employer=employer.pk):
        locked = Employer.objects.select_for_update().get(pk=employer.pk)
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        user_ids = list(locked.memberships.values_list("user_id", flat=True))
        still_needed = set(
            EmployerMembership.objects.filter(
                user_id__in=user_ids, employer__is_active=True
            ).values_list("user_id", flat=True)
        )
        User.objects.filter(pk__in=set(user_ids) - still_needed, kind=UserKind.EMPLOYER).update(
            is_active=False
        )
    employer.refresh_from_db()
    return employer


def do_reactivate_employer(employer: Employer, *, by: Any = None) -> Employer:
    with action(by, "reactivate_employer", employer=employer.pk):
        locked = Employer.objects.select_for_update().get(pk=employer.pk)
        locked.is_active = True
        locked.save(update_fields=["is_active", "updated_at"])
        user_ids = locked.memberships.values_list("user_id", flat=True)
        User.objects.filter(pk__in=list(user_ids), kind=UserKind.EMPLOYER).update(is_active=True)
    employer.refresh_from_db()
    return employer


# Sites -------------------------------------------------------------------------------------


def clean_site_data(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    data = _clean(values, fields)
    errors = _Errors()
    if "name" in data:
        data["name"] = _text(data["name"])
        if not data["name"]:
            errors.add("name", _("Indicare la denominazione della sede."), "required")
    errors.check_text(EmployerSite, data)
    if "municipality" in data:
        municipality = data["municipality"]
        if not isinstance(municipality, Municipality):
            errors.add("municipality", _("Indicare il comune della sede."), "required")
        elif not municipality.is_current:
            errors.add(
                "municipality",
                _("Il comune «%(name)s» non esiste più: indicare il comune attuale.")
                % {"name": municipality.name},
                "not_current",
            )
    if "is_active" in data:
        data["is_active"] = bool(True if data["is_active"] is None else data["is_active"])
    _check_contacts(data, errors)
    errors.raise_if_any()
    return data


def do_add_site(employer: Employer, data: Mapping[str, Any], *, by: Any = None) -> EmployerSite:
    cleaned = clean_site_data(data, [name for name in SITE_FIELDS if name != "is_active"])
    site = EmployerSite(employer=employer, **cleaned)
    with action(by, "add_site", employer=employer.pk):
        site.save()
    return site


def do_update_site(site: EmployerSite, data: Mapping[str, Any], *, by: Any = None) -> EmployerSite:
    cleaned = clean_site_data(data, [name for name in SITE_FIELDS if name in data])
    with action(by, "update_site", employer=site.employer_id):
        locked = EmployerSite.objects.select_for_update().get(pk=site.pk)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
    site.refresh_from_db()
    return site


# Users -------------------------------------------------------------------------------------


def _clean_role(role: str) -> str:
    if role not in EmployerRole.values:
        raise ValidationError({"role": ValidationError(_("Ruolo non valido."), code="invalid")})
    return role


def do_add_employer_user(
    employer: Employer,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str = EmployerRole.RECRUITER,
    password: str | None = None,
    by: Any = None,
) -> EmployerMembership:
    """Give someone access to the employer area for a firm.

    A new e-mail gets an account of kind "employer" (without a password it cannot sign in
    until it sets one: see do_invite_employer_user). An existing employer account gets one more
    firm; an e-mail used by an operator or a citizen is refused.
    """
    errors = _Errors()
    email = User.objects.normalize_email(_text(email)).lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", _("Indirizzo e-mail non valido."), "invalid")
    first_name, last_name = _text(first_name), _text(last_name)
    if not first_name:
        errors.add("first_name", _("Indicare il nome."), "required")
    if not last_name:
        errors.add("last_name", _("Indicare il cognome."), "required")
    if role not in EmployerRole.values:
        errors.add("role", _("Ruolo non valido."), "invalid")
    errors.raise_if_any()
    if not employer.is_active:
        raise ValidationError(
            _("L'impresa non è attiva: non si possono aggiungere utenti."), code="inactive"
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if user.kind != UserKind.EMPLOYER:
            raise ValidationError(
                {
                    "email": ValidationError(
                        _(
                            "Questa e-mail appartiene a un'utenza che non è di un'impresa: "
                            "usare un altro indirizzo."
                        ),
                        code="other_kind",
                    )
                }
            )
        if EmployerMembership.objects.filter(user=user, employer=employer).exists():
            raise ValidationError(
                {
                    "email": ValidationError(
                        _("Questa persona è già un utente dell'impresa."), code="duplicate"
                    )
                }
            )
    else:
        user = User(
            username=email,
            email=email,
            first_name=first_name,
            last_name=last_name,
            kind=UserKind.EMPLOYER,
        )
        if password is not None:
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.error_list}) from None
            user.set_password(password)
        else:
            user.set_unusable_password()
    with action(by, "add_employer_user", employer=employer.pk):
        if user.pk is None:
            user.save()
        elif not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        return EmployerMembership.objects.create(user=user, employer=employer, role=role)


def do_invite_employer_user(
    employer: Employer,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str = EmployerRole.RECRUITER,
    by: Any = None,
) -> EmployerMembership:
    """Add a user and send them, once committed, an e-mail with a link to set their password
    (new accounts) or to sign in (existing ones)."""
    from sil.employers.notifications import queue_invitation

    with transaction.atomic():
        membership = do_add_employer_user(
            employer, email=email, first_name=first_name, last_name=last_name, role=role, by=by
        )
        # In the same transaction: a rolled-back invitation leaves no message behind.
        queue_invitation(membership)
    return membership


def do_change_employer_role(
    membership: EmployerMembership, role: str, *, by: Any = None
) -> EmployerMembership:
    role = _clean_role(role)
    with action(by, "change_employer_role", employer=membership.employer_id):
        locked = EmployerMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == EmployerRole.ADMIN and role != EmployerRole.ADMIN:
            _keep_one_admin(locked)
        locked.role = role
        locked.save(update_fields=["role"])
    membership.refresh_from_db()
    return membership


def _keep_one_admin(membership: EmployerMembership) -> None:
    others = EmployerMembership.objects.filter(
        employer_id=membership.employer_id, role=EmployerRole.ADMIN, user__is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            _("L'impresa deve avere almeno un amministratore: nominarne un altro prima."),
            code="last_admin",
        )


def do_remove_employer_user(membership: EmployerMembership, *, by: Any = None) -> None:
    """Take a user off a firm; an account left with no firm is deactivated (not deleted)."""
    with action(by, "remove_employer_user", employer=membership.employer_id):
        locked = EmployerMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == EmployerRole.ADMIN:
            _keep_one_admin(locked)
        user_id = locked.user_id
        locked.delete()
        if not EmployerMembership.objects.filter(user_id=user_id).exists():
            User.objects.filter(pk=user_id, kind=UserKind.EMPLOYER).update(is_active=False)
