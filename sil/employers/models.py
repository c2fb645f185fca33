"""Employers (datori di lavoro): firms keyed by codice fiscale / partita IVA, with their sites."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from sil.classifications.models import EconomicActivity
from sil.core.text import PlainCharField, PlainTextField
from sil.territory.models import Municipality, Office


class EmployerSize(models.TextChoices):
    """EU Recommendation 2003/361 classes, by head count."""

    MICRO = "micro", _("micro (meno di 10 addetti)")
    SMALL = "small", _("piccola (10-49 addetti)")
    MEDIUM = "medium", _("media (50-249 addetti)")
    LARGE = "large", _("grande (250 addetti e oltre)")


class EmployerQuerySet(models.QuerySet["Employer"]):
    def in_directory(self) -> EmployerQuerySet:
        """Firms that agreed to appear in the public business directory."""
        return self.filter(directory_consent=True, is_active=True)

    def active(self) -> EmployerQuerySet:
        return self.filter(is_active=True)


@pghistory.track()
class Employer(models.Model):
    """A firm or any other employer (public body, association, private household)."""

    # 11 digits for firms (equal to the partita IVA for most companies), 16 for sole traders.
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    vat_number = models.CharField(_("partita IVA"), max_length=11, blank=True, db_index=True)
    name = PlainCharField(_("ragione sociale"), max_length=300)
    legal_form = PlainCharField(_("forma giuridica"), max_length=100, blank=True)
    economic_activity = models.ForeignKey(
        EconomicActivity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("attività economica (ATECO)"),
    )
    # The ATECO section letter (A-V) of economic_activity, kept by the actions: the directory
    # and the lists filter on it without walking the classification tree.
    ateco_section = models.CharField(_("sezione ATECO"), max_length=1, blank=True, editable=False)
    size = models.CharField(
        _("dimensione"), max_length=10, choices=EmployerSize.choices, blank=True
    )
    employees = models.PositiveIntegerField(_("numero di addetti"), null=True, blank=True)
    # Legal seat (sede legale); operating sites are EmployerSite rows.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="employers",
        verbose_name=_("comune della sede legale"),
    )
    address = PlainCharField(_("indirizzo della sede legale"), max_length=200, blank=True)
    postcode = PlainCharField(_("CAP"), max_length=5, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    phone = PlainCharField(_("telefono"), max_length=40, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    description = PlainTextField(_("presentazione"), blank=True)
    # The CPI that follows the firm (usually the one of its legal seat).
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("CPI di riferimento"),
    )
    directory_consent = models.BooleanField(
        _("consenso alla pubblicazione nell'elenco delle imprese"), default=False
    )
    directory_consent_at = models.DateTimeField(_("consenso dato il"), null=True, blank=True)
    privacy_accepted_at = models.DateTimeField(
        _("informativa privacy accettata il"), null=True, blank=True
    )
    is_active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("impresa")
        verbose_name_plural = _("imprese")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_code__regex=r"^([0-9]{11}|[A-Z0-9]{16})$"),
                name="employer_fiscal_code_shape",
            ),
            models.CheckConstraint(
                condition=Q(vat_number="") | Q(vat_number__regex=r"^[0-9]{11}$"),
                name="employer_vat_number_shape",
            ),
        ]
        indexes = [
            # Name search (ILIKE '%…%' on the upper-cased name).
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="employer_name_trgm"),
            models.Index(fields=["ateco_section", "name"], name="employer_section_name"),
            # The public directory lists consenting, active firms by name.
            models.Index(
                fields=["name", "id"],
                condition=Q(directory_consent=True, is_active=True),
                name="employer_directory_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sole_trader(self) -> bool:
        """A 16-character codice fiscale is a person's: the firm is a sole trader (personal data)."""
        return len(self.fiscal_code) == 16


@pghistory.track()
class EmployerSite(models.Model):
    """An operating site (sede operativa): where people work."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="sites", verbose_name=_("impresa")
    )
    name = PlainCharField(_("denominazione della sede"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="employer_sites",
        verbose_name=_("comune"),
    )
    address = PlainCharField(_("indirizzo"), max_length=200, blank=True)
    postcode = PlainCharField(_("CAP"), max_length=5, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PlainCharField(_("telefono"), max_length=40, blank=True)
    is_active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        ordering = ["employer", "name", "id"]
        verbose_name = _("sede operativa")
        verbose_name_plural = _("sedi operative")

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"


class EmployerRole(models.TextChoices):
    ADMIN = "admin", _("amministratore dell'impresa")
    RECRUITER = "recruiter", _("selezionatore")


class EmployerMembership(models.Model):
    """An employer user (accounts.User of kind "employer") acting for a firm."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="employer_memberships",
        verbose_name=_("utente"),
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("impresa")
    )
    role = models.CharField(
        _("ruolo"), max_length=10, choices=EmployerRole.choices, default=EmployerRole.RECRUITER
    )
    # The invitation e-mail in the outbox (notifications), whose status the firm's page shows.
    invitation = models.OneToOneField(
        "notifications.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invito"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("utente dell'impresa")
        verbose_name_plural = _("utenti dell'impresa")
        constraints = [
            models.UniqueConstraint(fields=["user", "employer"], name="employer_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.employer}"


class DirectoryConsent(models.Model):
    """Consent to appear in the public business directory, given or withdrawn (append-only)."""

    employer = models.ForeignKey(
        Employer,
        on_delete=models.CASCADE,
        related_name="directory_consents",
        verbose_name=_("impresa"),
    )
    given = models.BooleanField(_("prestato"))
    at = models.DateTimeField(_("data e ora"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("consenso all'elenco delle imprese")
        verbose_name_plural = _("consensi all'elenco delle imprese")
        indexes = [models.Index(fields=["employer", "at"], name="employer_consent_at")]

    def __str__(self) -> str:
        return f"{self.employer_id} {'+' if self.given else '-'} {self.at:%Y-%m-%d}"
