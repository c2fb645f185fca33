"""Writes on operators and their second factors. Each `do_*` runs in one transaction."""

from __future__ import annotations

import pghistory
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sil.accounts.models import Membership, Role, User, UserKind
from sil.territory.models import Office


def _clean_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(Role.values)
        raise ValidationError(
            _("Ruolo sconosciuto: «%(role)s». Ruoli ammessi: %(choices)s.")
            % {"role": role, "choices": choices},
            code="unknown_role",
        ) from None


def _clean_office(code: str) -> Office:
    office = Office.objects.filter(code=code).first()
    if office is None:
        raise ValidationError(
            _("Nessun ufficio con codice «%(code)s».") % {"code": code}, code="unknown_office"
        )
    if not office.is_active:
        raise ValidationError(
            _("L'ufficio «%(code)s» non è attivo.") % {"code": code}, code="inactive_office"
        )
    return office


def do_create_operator(
    *,
    email: str,
    first_name: str,
    last_name: str,
    office_code: str,
    role: str,
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create an operator with one office membership.

    Every check runs before anything is written: an unknown office or role, an e-mail already
    in use or a weak password raise ValidationError and leave the database untouched. Without a
    password the account gets an unusable one (to be set through password reset).
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise ValidationError(_("Indirizzo e-mail non valido."), code="invalid_email")
    clean_role = _clean_role(role)
    office = _clean_office(office_code)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("Esiste già un'utenza con e-mail «%(email)s».") % {"email": email},
            code="duplicate_email",
        )
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        kind=UserKind.OPERATOR,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    if password is not None:
        validate_password(password, user=user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic(), pghistory.context(action="create_operator"):
        user.save()
        Membership.objects.create(user=user, office=office, role=clean_role)
    return user


def do_add_membership(*, user: User, office_code: str, role: str) -> Membership:
    """Give an operator a role in an office (idempotent for an open membership)."""
    clean_role = _clean_role(role)
    office = _clean_office(office_code)
    with transaction.atomic(), pghistory.context(action="add_membership"):
        membership, _created = Membership.objects.get_or_create(
            user=user, office=office, role=clean_role, valid_to__isnull=True
        )
    return membership


def do_enrol_totp(*, user: User, secret: str) -> Authenticator:
    """Enrol a TOTP authenticator with a known secret, plus recovery codes.

    Used for demo accounts (whose secret is derived, not random): the authenticator is the
    one allauth creates itself, so login verifies it with allauth's own code. Replaces an
    existing TOTP authenticator whose secret differs.
    """
    with transaction.atomic(), pghistory.context(action="enrol_totp"):
        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if existing is not None:
            if decrypt(existing.data["secret"]) == secret:
                return existing
            existing.delete()
        authenticator = TOTP.activate(user, secret).instance
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            RecoveryCodes.activate(user)
    return authenticator
