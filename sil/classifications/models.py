"""Classifications loaded from official sources: professions, ESCO, ATECO, education, CEFR, contracts."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfessionSystem(models.TextChoices):
    CP2011 = "cp2011", "CP2011"
    CP2021 = "cp2021", "CP2021"


class Profession(models.Model):
    """A node of ISTAT's classification of professions (CP2011 or CP2021)."""

    system = models.CharField(_("classificazione"), max_length=10, choices=ProfessionSystem.choices)
    code = models.CharField(_("codice"), max_length=12)
    level = models.PositiveSmallIntegerField(_("livello"))
    name = models.CharField(_("denominazione"), max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["system", "code"]
        verbose_name = _("professione")
        verbose_name_plural = _("professioni")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="profession_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IscoGroup(models.Model):
    code = models.CharField(_("codice ISCO-08"), max_length=4, unique=True)
    level = models.PositiveSmallIntegerField(_("livello"))
    name = models.CharField(_("denominazione"), max_length=300)
    name_en = models.CharField(_("denominazione inglese"), max_length=300, blank=True)
    esco_uri = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("gruppo ISCO-08")
        verbose_name_plural = _("gruppi ISCO-08")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EscoOccupation(models.Model):
    uri = models.CharField(_("URI ESCO"), max_length=200, unique=True)
    isco_group = models.ForeignKey(
        IscoGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="occupations"
    )
    name = models.CharField(_("denominazione"), max_length=300)
    name_en = models.CharField(_("denominazione inglese"), max_length=300, blank=True)
    alt_names = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    professions = models.ManyToManyField(
        Profession, through="EscoProfessionMapping", related_name="esco_occupations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("occupazione ESCO")
        verbose_name_plural = _("occupazioni ESCO")

    def __str__(self) -> str:
        return self.name


class EscoProfessionMapping(models.Model):
    """The official ESCO ↔ CP2011 crosswalk, with its SKOS relation."""

    occupation = models.ForeignKey(EscoOccupation, on_delete=models.CASCADE)
    profession = models.ForeignKey(Profession, on_delete=models.CASCADE)
    relation = models.CharField(_("relazione"), max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "profession"], name="esco_profession_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.relation} {self.profession_id}"


class EconomicActivity(models.Model):
    """A node of ATECO (2007, its 2022 update, or 2025)."""

    edition = models.CharField(_("edizione"), max_length=4)
    code = models.CharField(_("codice"), max_length=10)
    level = models.CharField(_("livello"), max_length=20)
    name = models.CharField(_("descrizione"), max_length=500)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["edition", "code"]
        verbose_name = _("attività economica (ATECO)")
        verbose_name_plural = _("attività economiche (ATECO)")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="ateco_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EducationLevel(models.Model):
    code = models.CharField(_("codice"), max_length=10, unique=True)
    name = models.CharField(_("denominazione"), max_length=200)
    name_en = models.CharField(_("denominazione inglese"), max_length=200, blank=True)
    description = models.TextField(_("definizione"), blank=True)
    # No official title → ISCED table exists: a mapping, when set, is ours and says so.
    isced_level = models.PositiveSmallIntegerField(_("livello ISCED 2011"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("titolo di studio")
        verbose_name_plural = _("titoli di studio")

    def __str__(self) -> str:
        return self.name


class LanguageLevel(models.Model):
    """Common European Framework of Reference levels (A1…C2)."""

    code = models.CharField(_("codice"), max_length=2, unique=True)
    name = models.CharField(_("denominazione"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ordine"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("livello QCER")
        verbose_name_plural = _("livelli QCER")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ContractType(models.Model):
    """Contract types as in the Ministry's CO table (e.g. A.01.00 tempo indeterminato)."""

    code = models.CharField(_("codice"), max_length=10, unique=True)
    name = models.CharField(_("denominazione"), max_length=300)
    is_active = models.BooleanField(_("in uso"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tipologia contrattuale")
        verbose_name_plural = _("tipologie contrattuali")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
