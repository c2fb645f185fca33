"""Regions, provinces, municipalities (with their history), foreign states and offices."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    istat_code = models.CharField(_("codice ISTAT"), max_length=2, unique=True)
    name = models.CharField(_("denominazione"), max_length=100)

    class Meta:
        ordering = ["istat_code"]
        verbose_name = _("regione")
        verbose_name_plural = _("regioni")

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    istat_code = models.CharField(_("codice ISTAT"), max_length=3, unique=True)
    code = models.CharField(_("sigla"), max_length=2, unique=True)
    name = models.CharField(_("denominazione"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")

    class Meta:
        ordering = ["code"]
        verbose_name = _("provincia")
        verbose_name_plural = _("province")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def current(self) -> MunicipalityQuerySet:
        return self.filter(valid_to__isnull=True)

    def valid_on(self, day: dt.date) -> MunicipalityQuerySet:
        # valid_to is the last day of validity (ANPR's "data soppressione": the successor
        # starts the day after), hence inclusive.
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Municipality(models.Model):
    """A comune over one period of its life: abolished ones stay, to decode old fiscal codes."""

    istat_code = models.CharField(_("codice ISTAT"), max_length=6, blank=True, db_index=True)
    cadastral_code = models.CharField(_("codice catastale"), max_length=4, db_index=True)
    name = models.CharField(_("denominazione"), max_length=200)
    name_alt = models.CharField(_("denominazione in altra lingua"), max_length=200, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="municipalities"
    )
    # The sigla as the source gives it: abolished comuni may name provinces that no longer exist.
    province_code = models.CharField(_("sigla provincia"), max_length=2, blank=True)
    valid_from = models.DateField(_("istituito il"), null=True, blank=True)
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    # Resident population (ISTAT, 1 January 2023 in the shipped data): weights synthetic
    # residences.
    population = models.PositiveIntegerField(_("popolazione"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        constraints = [
            models.UniqueConstraint(
                fields=["cadastral_code", "valid_from"],
                name="municipality_unique_period",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                fields=["istat_code"],
                condition=Q(valid_to__isnull=True) & ~Q(istat_code=""),
                name="municipality_current_istat_unique",
            ),
        ]
        indexes = [models.Index(fields=["province", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.province_code})" if self.province_code else self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class CountryQuerySet(models.QuerySet["Country"]):
    def valid_on(self, day: dt.date) -> CountryQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Country(models.Model):
    """A foreign state with its Z code, as used in fiscal codes."""

    cadastral_code = models.CharField(_("codice catastale"), max_length=4, db_index=True)
    name = models.CharField(_("denominazione"), max_length=200)
    name_en = models.CharField(_("denominazione inglese"), max_length=200, blank=True)
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)
    # A few states are no longer in use but have no end date (e.g. Hong Kong, Z221).
    is_active = models.BooleanField(_("in uso"), default=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("stato estero")
        verbose_name_plural = _("stati esteri")
        constraints = [
            models.UniqueConstraint(
                fields=["cadastral_code", "valid_from"],
                name="country_unique_period",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return self.name


class OfficeKind(models.TextChoices):
    CPI = "cpi", _("Centro per l'Impiego")
    DESK = "desk", _("Sportello Lavoro comunale")
    REGION = "region", _("Ufficio regionale")


class Office(models.Model):
    """A CPI, a municipal job desk or a regional office, with the municipalities it serves."""

    kind = models.CharField(_("tipo"), max_length=10, choices=OfficeKind.choices)
    code = models.CharField(_("codice"), max_length=20, unique=True)
    name = models.CharField(_("denominazione"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("ufficio di riferimento"),
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    postal_code = models.CharField(_("CAP"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices_located",
        verbose_name=_("comune della sede"),
    )
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    opening_hours = models.TextField(_("orari di apertura"), blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)
    municipalities = models.ManyToManyField(
        Municipality,
        through="Competence",
        related_name="competent_offices",
        verbose_name=_("comuni di competenza"),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("ufficio")
        verbose_name_plural = _("uffici")

    def __str__(self) -> str:
        return self.name


class Competence(models.Model):
    """Office X serves municipality Y (competenza territoriale). One CPI per municipality."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="competences")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="competences"
    )
    # Copied from the office so the database can hold "one CPI per municipality".
    office_kind = models.CharField(max_length=10, choices=OfficeKind.choices, editable=False)

    class Meta:
        verbose_name = _("competenza territoriale")
        verbose_name_plural = _("competenze territoriali")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "municipality"], name="competence_unique_pair"
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(office_kind="cpi"),
                name="competence_one_cpi_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} → {self.municipality_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.office_kind = self.office.kind
        super().save(*args, **kwargs)  # type: ignore[arg-type]
