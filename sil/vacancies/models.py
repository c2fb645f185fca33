"""Vacancies (offerte di lavoro) with the BCNL minimum information (DM 13-10-2004, Annex B)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sil.classifications.models import (
    ContractType,
    EducationLevel,
    EscoOccupation,
    LanguageLevel,
    Profession,
)
from sil.core.text import PlainCharField, PlainTextField
from sil.dossier.models import LANGUAGE_CODE, WorkingTime
from sil.employers.models import Employer, EmployerSite
from sil.territory.models import Municipality, Office


class VacancyState(models.TextChoices):
    DRAFT = "draft", _("bozza")
    REVIEW = "review", _("in revisione")
    PUBLISHED = "published", _("pubblicata")
    CLOSED = "closed", _("chiusa")
    EXPIRED = "expired", _("scaduta")
    CANCELLED = "cancelled", pgettext_lazy("vacancy state", "annullata")


# States in which the vacancy is over: nothing moves it any more.
FINAL_STATES = frozenset({VacancyState.CLOSED, VacancyState.EXPIRED, VacancyState.CANCELLED})


# Kept in the row by a BEFORE trigger (see Vacancy.Meta.triggers), so searches and ranking
# read it instead of parsing every matching description again.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('italian'::regconfig, translate(sil_unaccent(coalesce(NEW.title, '')),"
    " '/', ' ')), 'A') || setweight(to_tsvector('italian'::regconfig,"
    " translate(sil_unaccent(coalesce(NEW.description, '')), '/', ' ')), 'B')"
)


class VacancyQuerySet(models.QuerySet["Vacancy"]):
    def published(self) -> VacancyQuerySet:
        return self.filter(state=VacancyState.PUBLISHED)

    def on_board(self, today: dt.date) -> VacancyQuerySet:
        """What the public job board shows: published and not past its expiry date."""
        return self.filter(
            Q(expiry_date__isnull=True) | Q(expiry_date__gte=today),
            state=VacancyState.PUBLISHED,
        )

    def for_employers(self, employer_ids: list[int]) -> VacancyQuerySet:
        return self.filter(employer_id__in=employer_ids)


@pghistory.track(exclude=["search_vector"])
class Vacancy(models.Model):
    """A job offer of an employer, managed by a CPI (or entered by the employer itself)."""

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("impresa")
    )
    site = models.ForeignKey(
        EmployerSite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("sede operativa"),
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("CPI che gestisce l'offerta"),
    )
    intermediary = PlainCharField(_("intermediario"), max_length=300, blank=True)
    reference = PlainCharField(_("riferimento interno"), max_length=50, blank=True)
    # What the job is.
    title = PlainCharField(_("titolo"), max_length=200)
    description = PlainTextField(_("descrizione"))
    profession = models.ForeignKey(
        Profession,
        on_delete=models.PROTECT,
        related_name="vacancies",
        verbose_name=_("professione (CP)"),
    )
    esco_occupation = models.ForeignKey(
        EscoOccupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("occupazione ESCO"),
    )
    posts = models.PositiveIntegerField(
        _("posti"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    # Where and how.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="vacancies",
        verbose_name=_("comune del luogo di lavoro"),
    )
    contract_type = models.ForeignKey(
        ContractType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("tipologia contrattuale"),
    )
    working_time = models.CharField(
        _("orario"), max_length=4, choices=WorkingTime.choices, default=WorkingTime.FULL
    )
    weekly_hours = models.DecimalField(
        _("ore settimanali"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    shifts = models.BooleanField(_("lavoro su turni"), default=False)
    duration_months = models.PositiveIntegerField(
        _("durata (mesi)"), null=True, blank=True, help_text=_("Vuoto se a tempo indeterminato.")
    )
    pay_min = models.DecimalField(
        _("retribuzione lorda annua minima (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
    )
    pay_max = models.DecimalField(
        _("retribuzione lorda annua massima (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
    )
    ccnl = PlainCharField(_("CCNL applicato"), max_length=200, blank=True)
    ccnl_level = PlainCharField(_("livello di inquadramento"), max_length=50, blank=True)
    # Requirements: each with a "required" flag (a hard filter in matching) or only preferred.
    education_level = models.ForeignKey(
        EducationLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("titolo di studio"),
    )
    education_required = models.BooleanField(_("titolo di studio indispensabile"), default=False)
    experience_months = models.PositiveIntegerField(
        _("esperienza nella professione (mesi)"), default=0
    )
    experience_required = models.BooleanField(_("esperienza indispensabile"), default=False)
    driving_licences = ArrayField(
        models.CharField(max_length=5),
        default=list,
        blank=True,
        verbose_name=_("patenti di guida"),
    )
    licence_required = models.BooleanField(_("patente indispensabile"), default=False)
    other_licences = PlainCharField(_("patentini e abilitazioni"), max_length=300, blank=True)
    it_skills = PlainCharField(_("competenze informatiche"), max_length=300, blank=True)
    # Publication.
    publication_date = models.DateField(_("data di pubblicazione"), null=True, blank=True)
    expiry_date = models.DateField(_("data di scadenza"), null=True, blank=True)
    how_to_apply = PlainTextField(_("come candidarsi"), blank=True)
    apply_email = models.EmailField(_("e-mail per le candidature"), blank=True)
    targeted_l68 = models.BooleanField(
        _("riservata L. 68/1999 (collocamento mirato)"), default=False
    )
    eures = models.BooleanField(_("da pubblicare su EURES"), default=False)
    state = models.CharField(
        _("stato"), max_length=10, choices=VacancyState.choices, default=VacancyState.DRAFT
    )
    # The pre-publication quality check: what it flagged and who confirmed publishing anyway.
    quality_warnings = models.JSONField(
        _("segnalazioni del controllo qualità"), default=list, blank=True
    )
    quality_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segnalazioni confermate da"),
    )
    quality_confirmed_at = models.DateTimeField(
        _("segnalazioni confermate il"), null=True, blank=True
    )
    quality_reason = PlainTextField(
        _("motivazione della conferma"),
        blank=True,
        help_text=_("Perché l'offerta si pubblica nonostante le segnalazioni."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creata da"),
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)
    # Derived from title and description by the database (trigger): never set it here.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        ordering = ["-publication_date", "-id"]
        verbose_name = _("offerta di lavoro")
        verbose_name_plural = _("offerte di lavoro")
        indexes = [
            models.Index(fields=["state", "publication_date"], name="vacancy_state_published"),
            models.Index(fields=["employer", "state"], name="vacancy_employer_state"),
            # The job board: only published rows, filtered by place, profession or contract.
            models.Index(
                fields=["-publication_date", "-id"],
                condition=Q(state="published"),
                name="vacancy_board_recent",
            ),
            models.Index(
                fields=["municipality", "-publication_date"],
                condition=Q(state="published"),
                name="vacancy_board_municipality",
            ),
            models.Index(
                fields=["profession", "-publication_date"],
                condition=Q(state="published"),
                name="vacancy_board_profession",
            ),
            models.Index(fields=["office", "state"], name="vacancy_office_state"),
            models.Index(fields=["state", "expiry_date"], name="vacancy_state_expiry"),
            GinIndex(fields=["search_vector"], name="vacancy_search_vector"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="search_vector",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func=f"NEW.search_vector := {SEARCH_VECTOR_SQL}; RETURN NEW;",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(publication_date__isnull=True)
                | Q(expiry_date__gte=models.F("publication_date")),
                name="vacancy_expiry_after_publication",
            ),
            models.CheckConstraint(
                condition=Q(pay_min__isnull=True)
                | Q(pay_max__isnull=True)
                | Q(pay_max__gte=models.F("pay_min")),
                name="vacancy_pay_range_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == VacancyState.PUBLISHED

    @property
    def requirements_text(self) -> str:
        """Free-text requirements, as the quality check reads them."""
        return "\n".join(t for t in (self.other_licences, self.it_skills) if t)

    @property
    def has_pay(self) -> bool:
        return self.pay_min is not None or self.pay_max is not None or bool(self.ccnl_level)


class TransitionActor(models.TextChoices):
    OPERATOR = "operator", _("operatore")
    EMPLOYER = "employer", _("impresa")
    SYSTEM = "system", _("sistema")


class VacancyTransition(models.Model):
    """One move of a vacancy's state machine. Append-only (database trigger).

    (VacancyEvent is pghistory's row history of Vacancy: this is the log of the workflow.)
    """

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("offerta")
    )
    state_before = models.CharField(
        _("stato precedente"), max_length=10, choices=VacancyState.choices, blank=True
    )
    state_after = models.CharField(
        _("stato successivo"), max_length=10, choices=VacancyState.choices
    )
    actor = models.CharField(_("chi"), max_length=10, choices=TransitionActor.choices)
    at = models.DateTimeField(_("data e ora"), auto_now_add=True)
    # No database constraint and no SET NULL: deleting the account must not UPDATE the row.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eseguito da"),
    )
    by_name = PlainCharField(_("nome di chi ha eseguito"), max_length=254, blank=True)
    note = PlainTextField(_("nota"), blank=True)
    # The quality warnings confirmed at publication (empty otherwise).
    warnings = models.JSONField(_("segnalazioni confermate"), default=list, blank=True)

    class Meta:
        verbose_name = _("passaggio di stato dell'offerta")
        verbose_name_plural = _("passaggi di stato delle offerte")
        indexes = [models.Index(fields=["vacancy", "at"], name="vacancytransition_vacancy_at")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.state_before or '-'} → {self.state_after}"


class VacancyLanguage(models.Model):
    """A language the vacancy asks for, at a CEFR level."""

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.CASCADE, related_name="languages", verbose_name=_("offerta")
    )
    language = models.CharField(
        _("lingua"), max_length=2, validators=[LANGUAGE_CODE], help_text=_("Codice ISO 639-1.")
    )
    level = models.ForeignKey(
        LanguageLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("livello QCER")
    )
    required = models.BooleanField(_("indispensabile"), default=False)

    class Meta:
        ordering = ["vacancy", "language"]
        verbose_name = _("lingua richiesta")
        verbose_name_plural = _("lingue richieste")
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "language"], name="vacancy_language_once")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.level.code}"

    def as_dict(self) -> dict[str, Any]:
        return {"language": self.language, "level": self.level.code, "required": self.required}
