"""The registry of people, keyed by codice fiscale."""

from __future__ import annotations

from typing import Any

import pghistory
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import TrigramSimilarity
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from sil.core import fiscal_code as cf
from sil.core.permissions import scope_to_offices
from sil.territory.models import Country, Municipality, Office

# The database holds the same rule as sil.core.fiscal_code: a well-shaped personal code or an
# 11-digit provisional one (the check character is verified by the actions, not the database).
FISCAL_CODE_DB_PATTERN = f"({cf.SHAPE.pattern})|({cf.PROVISIONAL.pattern})"

# Below this trigram similarity a surname is not offered as a fuzzy match.
SEARCH_SIMILARITY = 0.3


class Sex(models.TextChoices):
    MALE = "M", _("Maschio")
    FEMALE = "F", _("Femmina")


class PersonQuerySet(models.QuerySet["Person"]):
    def for_operator(self, user: Any) -> PersonQuerySet:
        """Only the people of the operator's offices (every office for region-wide roles)."""
        scoped: PersonQuerySet = scope_to_offices(self, user, "competent_office")  # type: ignore[assignment]
        return scoped

    def search(self, text: str) -> PersonQuerySet:
        """By codice fiscale (prefix) or by surname and name (substring, then fuzzy surname)."""
        text = " ".join((text or "").split())
        if not text:
            return self
        compact = cf.normalise(text)
        if len(compact) >= 6 and any(char.isdigit() for char in compact):
            return self.filter(fiscal_code__startswith=compact)
        words = text.upper().split(" ")
        # Upper() matches the expression indexes below (UPPER(...) LIKE and % use them).
        people = self.alias(last_upper=Upper("last_name"), first_upper=Upper("first_name"))
        condition = Q()
        for word in words:
            condition &= Q(last_upper__contains=word) | Q(first_upper__contains=word)
        if len(words) == 1:
            condition |= Q(last_upper__trigram_similar=words[0])
        return (
            people.filter(condition)
            .annotate(similarity=TrigramSimilarity(Upper("last_name"), words[0]))
            .order_by("-similarity", "last_name", "first_name", "id")
        )

    def with_places(self) -> PersonQuerySet:
        return self.select_related(
            "competent_office",
            "residence_municipality",
            "domicile_municipality",
            "birth_municipality",
            "birth_country",
        )


@pghistory.track()
class Person(models.Model):
    """Anyone in the registry: job seekers, benefit recipients, students, workers."""

    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    last_name = models.CharField(_("cognome"), max_length=100)
    first_name = models.CharField(_("nome"), max_length=100)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("data di nascita"))
    birth_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_born",
        verbose_name=_("comune di nascita"),
    )
    birth_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_born",
        verbose_name=_("stato estero di nascita"),
    )
    citizenship = models.CharField(
        _("cittadinanza"),
        max_length=3,
        blank=True,
        help_text=_("Codice ISO 3166-1 dello stato di cittadinanza, ad esempio IT."),
    )
    residence_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("comune di residenza"),
    )
    residence_address = models.CharField(_("indirizzo di residenza"), max_length=200, blank=True)
    domicile_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="domiciled",
        verbose_name=_("comune di domicilio"),
    )
    domicile_address = models.CharField(_("indirizzo di domicilio"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    competent_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("CPI competente"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_code__regex=FISCAL_CODE_DB_PATTERN),
                name="person_fiscal_code_shape",
            ),
            models.CheckConstraint(
                condition=Q(birth_municipality__isnull=True) | Q(birth_country__isnull=True),
                name="person_one_birthplace",
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="person_sex_valid"),
        ]
        indexes = [
            GinIndex(
                OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_name_trgm"
            ),
            GinIndex(
                OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_name_trgm"
            ),
            models.Index(
                fields=["competent_office", "last_name", "first_name", "id"],
                name="person_office_name",
            ),
            models.Index(fields=["last_name", "first_name", "id"], name="person_name"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name} ({self.fiscal_code})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def birthplace(self) -> Municipality | Country | None:
        return self.birth_municipality or self.birth_country

    @property
    def has_provisional_fiscal_code(self) -> bool:
        return cf.is_provisional(self.fiscal_code)
