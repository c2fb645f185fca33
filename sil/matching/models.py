"""Matching: denormalised candidate profiles, versioned weights and the record of ranked lists.

A CandidateProfile is derived data: it is rebuilt from the person, the DID and the dossier
(sil/matching/profiles.py) and never edited by hand, so it carries no change history. What the
operators saw is kept in MatchRun/MatchResult, with the weights version that produced it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from sil.people.models import Person
from sil.territory.models import Municipality, Office

# The criteria of a score, in the order they are shown.
CRITERIA = (
    "profession",
    "distance",
    "availability",
    "education",
    "languages",
    "licences",
    "experience",
    "text",
)


class WeightSetQuerySet(models.QuerySet["WeightSet"]):
    def active(self) -> WeightSet | None:
        return self.filter(active=True).first()


class WeightSet(models.Model):
    """The weights of the criteria. A new version is a new row; only one is active."""

    version = models.CharField(_("versione"), max_length=20, unique=True)
    weights = models.JSONField(_("pesi per criterio"))
    active = models.BooleanField(_("in uso"), default=False)
    note = models.TextField(_("nota"), blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    objects = WeightSetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("insieme di pesi")
        verbose_name_plural = _("insiemi di pesi")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="weightset_one_active"
            )
        ]

    def __str__(self) -> str:
        return self.version


class CandidateProfile(models.Model):
    """One row per person: what matching needs, flattened and indexed for a selective prefilter.

    `professions` holds the CP codes of the person's work experience at every level
    ("5", "5.1", "5.1.2", "5.1.2.2", "5.1.2.2.0"); `languages` holds every CEFR level up to the
    one held ("en:A1" … "en:B2"), and `driving_licences` the categories a held one implies, so
    "at least" requirements are plain array containment.
    """

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="candidate_profile",
        verbose_name=_("persona"),
    )
    available = models.BooleanField(_("disponibile al lavoro"), default=False)
    did_state = models.CharField(_("stato della DID"), max_length=12, blank=True)
    did_date = models.DateField(_("data della DID"), null=True, blank=True)
    office = models.ForeignKey(
        Office,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("CPI competente"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("comune di domicilio o residenza"),
    )
    municipality_name = models.CharField(_("comune"), max_length=200, blank=True)
    province_code = models.CharField(_("sigla provincia"), max_length=2, blank=True)
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    mobility_radius_km = models.PositiveIntegerField(_("raggio di mobilità (km)"), null=True)
    professions = ArrayField(models.CharField(max_length=12), default=list)
    profession_codes = ArrayField(models.CharField(max_length=12), default=list)
    isco_codes = ArrayField(models.CharField(max_length=4), default=list)
    experience_months = models.JSONField(_("mesi di esperienza per codice CP"), default=dict)
    education_position = models.PositiveSmallIntegerField(null=True)
    education_name = models.CharField(_("titolo di studio più alto"), max_length=200, blank=True)
    languages = ArrayField(models.CharField(max_length=5), default=list)
    language_levels = models.JSONField(_("livello QCER per lingua"), default=dict)
    driving_licences = ArrayField(models.CharField(max_length=5), default=list)
    other_licences = ArrayField(models.CharField(max_length=200), default=list)
    contract_types = ArrayField(models.CharField(max_length=10), default=list)
    working_time = models.CharField(_("orario"), max_length=4, default="any")
    shifts = models.BooleanField(_("disponibile a turni"), default=False)
    # Lists of the collocamento mirato are not yet in the system: always false for now.
    l68_listed = models.BooleanField(_("iscritto alle liste L. 68/1999"), default=False)
    search = SearchVectorField(null=True)
    # "family@cell" tags: each CP2/CP3 family and ISCO group of the person ("2.6.2", "i2310")
    # joined to a 0.25-degree grid cell of where they live. One GIN probe with the tags of the
    # vacancy's family and of the cells around the workplace finds exactly the people of that
    # family nearby, without visiting the rows of everyone else in the area. Computed by the
    # database (migration 0003), so every writer keeps it right.
    family_cells = models.GeneratedField(
        expression=Func(
            F("professions"),
            F("isco_codes"),
            F("latitude"),
            F("longitude"),
            function="matching_family_cells",
        ),
        output_field=ArrayField(models.CharField(max_length=40)),
        db_persist=True,
    )
    updated_at = models.DateTimeField(_("aggiornato il"))

    class Meta:
        verbose_name = _("profilo del candidato")
        verbose_name_plural = _("profili dei candidati")
        indexes = [
            GinIndex(
                fields=["professions"], name="cprofile_professions", condition=Q(available=True)
            ),
            GinIndex(fields=["isco_codes"], name="cprofile_isco", condition=Q(available=True)),
            models.Index(
                fields=["latitude", "longitude"],
                name="cprofile_position",
                condition=Q(available=True),
            ),
            GinIndex(fields=["search"], name="cprofile_search", condition=Q(available=True)),
            GinIndex(
                fields=["family_cells"], name="cprofile_family_cells", condition=Q(available=True)
            ),
            models.Index(fields=["updated_at"], name="cprofile_updated"),
        ]

    def __str__(self) -> str:
        return f"profile {self.pk}"


class MatchRun(models.Model):
    """A ranked list produced for someone: who, when, with which weights and filters."""

    vacancy = models.ForeignKey(
        "vacancies.Vacancy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_runs",
        verbose_name=_("offerta"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("persona (offerte per la persona)"),
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eseguito da"),
    )
    at = models.DateTimeField(_("data e ora"), auto_now_add=True)
    purpose = models.CharField(_("scopo"), max_length=30, default="operator_list")
    weights_version = models.CharField(_("versione dei pesi"), max_length=20)
    filters = models.JSONField(_("filtri"), default=dict, blank=True)
    considered = models.PositiveIntegerField(_("profili valutati"), default=0)
    duration_ms = models.FloatField(_("durata (ms)"), default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("esecuzione dell'abbinamento")
        verbose_name_plural = _("esecuzioni dell'abbinamento")
        indexes = [
            models.Index(fields=["vacancy", "at"], name="matchrun_vacancy_at"),
            models.Index(fields=["person", "at"], name="matchrun_person_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} ({self.weights_version})"


class MatchResult(models.Model):
    """One line of a stored ranked list."""

    run = models.ForeignKey(
        MatchRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("esecuzione")
    )
    rank = models.PositiveIntegerField(_("posizione"))
    person_ref = models.BigIntegerField(_("persona"))
    vacancy_ref = models.BigIntegerField(_("offerta"))
    score = models.FloatField(_("punteggio"))
    criteria = models.JSONField(_("criteri"), default=dict)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("risultato dell'abbinamento")
        verbose_name_plural = _("risultati dell'abbinamento")
        constraints = [
            models.UniqueConstraint(fields=["run", "rank"], name="matchresult_rank_once")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.person_ref} {self.score:.1f}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_ref,
            "vacancy_id": self.vacancy_ref,
            "score": self.score,
            "criteria": self.criteria,
        }
