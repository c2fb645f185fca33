"""Users (operators, citizens, employers, schools, systems) and operators' office memberships."""

from __future__ import annotations

import pghistory
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.territory.models import Office


class UserKind(models.TextChoices):
    OPERATOR = "operator", _("Operatore")
    CITIZEN = "citizen", _("Cittadino")
    EMPLOYER = "employer", _("Impresa")
    SCHOOL = "school", _("Scuola")
    SYSTEM = "system", _("Sistema")


class Role(models.TextChoices):
    CPI_OPERATOR = "cpi_operator", _("Operatore CPI")
    CPI_MANAGER = "cpi_manager", _("Responsabile CPI")
    TARGETED_OPERATOR = "targeted_operator", _("Operatore collocamento mirato")
    REGION = "region", _("Regione")
    ADMIN = "admin", _("Amministratore")
    AUDITOR = "auditor", _("Auditor")


class SilUserManager(UserManager["User"]):
    # Kept out of migrations: a migration must never import app code.
    use_in_migrations = False

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


# The history of personal data must never hold password hashes; last_login changes at every
# sign-in and would flood the history with noise.
@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """One account. Operators sign in with e-mail, password and a second factor."""

    username = models.CharField(_("nome utente"), max_length=150, unique=True)
    email = models.EmailField(_("e-mail"), unique=True)
    kind = models.CharField(
        _("tipo di utenza"), max_length=10, choices=UserKind.choices, default=UserKind.OPERATOR
    )
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, blank=True, db_index=True)

    objects = SilUserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    @property
    def is_operator(self) -> bool:
        return self.kind == UserKind.OPERATOR

    @property
    def current_office_id(self) -> int | None:
        """The office the operator acts for, recorded in audit trails: the first membership in
        force (by office name) until operators can pick one for the session."""
        from sil.accounts.queries import open_memberships

        memberships = open_memberships(self)
        return memberships[0].office_id if memberships else None


@pghistory.track()
class Membership(models.Model):
    """An operator works in an office with a role; an operator may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("dal"), null=True, blank=True)
    valid_to = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        verbose_name = _("appartenenza a ufficio")
        verbose_name_plural = _("appartenenze a uffici")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office", "role"],
                condition=Q(valid_to__isnull=True),
                name="membership_unique_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.office}"
