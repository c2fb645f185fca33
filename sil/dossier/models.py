"""The electronic worker dossier (fascicolo elettronico): SAP section 4 (work experience) and 5
(curriculum: education, training, languages, IT skills, licences), plus availability."""

from __future__ import annotations

from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.classifications.models import (
    ContractType,
    EconomicActivity,
    EducationLevel,
    LanguageLevel,
    Profession,
)
from sil.core.permissions import scope_to_offices
from sil.people.models import Person

EMPLOYER_FISCAL_CODE = RegexValidator(
    r"^([0-9]{11}|[A-Z0-9]{16})$",
    _("Il codice fiscale del datore di lavoro ha 11 cifre oppure 16 caratteri."),
    code="employer_fiscal_code",
)
LANGUAGE_CODE = RegexValidator(
    r"^[a-z]{2}$",
    _("Indicare il codice ISO 639-1 della lingua (due lettere minuscole, ad esempio en)."),
    code="language_code",
)


class DossierQuerySet(models.QuerySet[Any]):
    """Reads shared by every dossier section: scoped through the person's competent office."""

    def for_operator(self, user: Any) -> DossierQuerySet:
        scoped: DossierQuerySet = scope_to_offices(self, user, "person__competent_office")  # type: ignore[assignment]
        return scoped

    def for_person(self, person: Person | int) -> DossierQuerySet:
        return self.filter(person=person)


class DurationUnit(models.TextChoices):
    HOURS = "O", _("ore")
    DAYS = "G", _("giorni")
    MONTHS = "M", _("mesi")
    YEARS = "A", _("anni")


class DrivingCategory(models.TextChoices):
    AM = "AM", "AM"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    A = "A", "A"
    B1 = "B1", "B1"
    B = "B", "B"
    BE = "BE", "BE"
    C1 = "C1", "C1"
    C1E = "C1E", "C1E"
    C = "C", "C"
    CE = "CE", "CE"
    D1 = "D1", "D1"
    D1E = "D1E", "D1E"
    D = "D", "D"
    DE = "DE", "DE"
    CQC_GOODS = "CQC-M", _("CQC merci")
    CQC_PEOPLE = "CQC-P", _("CQC persone")
    KB = "KB", "KB"


class WorkingTime(models.TextChoices):
    FULL = "full", _("tempo pieno")
    PART = "part", _("tempo parziale")
    ANY = "any", _("indifferente")


class PersonSection(models.Model):
    """Common shape: a row belongs to one person (`person`, declared by each section with its
    related name) and records when it was written."""

    person: Any
    person_id: int
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        abstract = True


@pghistory.track()
class Education(PersonSection):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="educations", verbose_name=_("persona")
    )
    level = models.ForeignKey(
        EducationLevel, on_delete=models.PROTECT, verbose_name=_("livello del titolo")
    )
    title = models.CharField(_("titolo di studio"), max_length=300)
    institution = models.CharField(_("istituto"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(
        _("anno di conseguimento"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    mark = models.CharField(_("votazione"), max_length=20, blank=True)
    recognised_in_italy = models.BooleanField(_("riconosciuto in Italia"), default=True)

    class Meta:
        verbose_name = _("titolo di studio")
        verbose_name_plural = _("titoli di studio")
        ordering = ["person", "-year", "id"]
        indexes = [models.Index(fields=["person", "year"], name="education_person_year")]

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class TrainingCourse(PersonSection):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="training_courses", verbose_name=_("persona")
    )
    title = models.CharField(_("titolo del corso"), max_length=300)
    provider = models.CharField(_("ente di formazione"), max_length=300, blank=True)
    duration = models.PositiveIntegerField(_("durata"), null=True, blank=True)
    duration_unit = models.CharField(
        _("unità di durata"), max_length=1, choices=DurationUnit.choices, blank=True
    )
    year = models.PositiveSmallIntegerField(
        _("anno"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    certificate = models.CharField(_("attestato rilasciato"), max_length=200, blank=True)
    with_stage = models.BooleanField(_("con stage"), default=False)

    class Meta:
        verbose_name = _("corso di formazione")
        verbose_name_plural = _("corsi di formazione")
        ordering = ["person", "-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__isnull=True) | ~Q(duration_unit=""),
                name="training_duration_has_unit",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.duration is not None and not self.duration_unit:
            raise ValidationError(
                {
                    "duration_unit": ValidationError(
                        _("Indicare l'unità della durata (ore, giorni, mesi o anni)."), "required"
                    )
                }
            )


@pghistory.track()
class WorkExperience(PersonSection):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="work_experiences", verbose_name=_("persona")
    )
    employer_name = models.CharField(_("datore di lavoro"), max_length=300)
    employer_fiscal_code = models.CharField(
        _("codice fiscale del datore di lavoro"),
        max_length=16,
        blank=True,
        validators=[EMPLOYER_FISCAL_CODE],
    )
    economic_activity = models.ForeignKey(
        EconomicActivity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("attività economica (ATECO)"),
    )
    profession = models.ForeignKey(
        Profession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("qualifica (CP)"),
    )
    contract_type = models.ForeignKey(
        ContractType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("tipologia contrattuale"),
    )
    start_date = models.DateField(_("data di inizio"))
    end_date = models.DateField(_("data di fine"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("ore settimanali"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    duties = models.TextField(_("mansioni"), blank=True)
    targeted_hire = models.BooleanField(_("assunzione L. 68/1999"), default=False)

    class Meta:
        verbose_name = _("esperienza di lavoro")
        verbose_name_plural = _("esperienze di lavoro")
        ordering = ["person", "-start_date", "id"]
        indexes = [models.Index(fields=["person", "start_date"], name="experience_person_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="experience_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(employer_fiscal_code="")
                | Q(employer_fiscal_code__regex=r"^([0-9]{11}|[A-Z0-9]{16})$"),
                name="experience_employer_fiscal_code_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} ({self.start_date:%d/%m/%Y})"

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": ValidationError(_("La fine non può precedere l'inizio."), "order")}
            )


@pghistory.track()
class LanguageSkill(PersonSection):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="language_skills", verbose_name=_("persona")
    )
    language = models.CharField(
        _("lingua"), max_length=2, validators=[LANGUAGE_CODE], help_text=_("Codice ISO 639-1.")
    )
    understanding = models.ForeignKey(
        LanguageLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comprensione"),
    )
    speaking = models.ForeignKey(
        LanguageLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parlato"),
    )
    writing = models.ForeignKey(
        LanguageLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scritto"),
    )

    class Meta:
        verbose_name = _("conoscenza linguistica")
        verbose_name_plural = _("conoscenze linguistiche")
        ordering = ["person", "language", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "language"],
                name="language_once_per_person",
                violation_error_message=_("Questa lingua è già nel fascicolo."),
            )
        ]

    def __str__(self) -> str:
        return self.language


class ItLevel(models.TextChoices):
    BASIC = "base", _("base")
    INTERMEDIATE = "intermedio", _("intermedio")
    ADVANCED = "avanzato", _("avanzato")


@pghistory.track()
class ItSkill(PersonSection):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="it_skills", verbose_name=_("persona")
    )
    name = models.CharField(_("competenza informatica"), max_length=200)
    level = models.CharField(_("livello"), max_length=12, choices=ItLevel.choices, blank=True)

    class Meta:
        verbose_name = _("competenza informatica")
        verbose_name_plural = _("competenze informatiche")
        ordering = ["person", "name", "id"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class DrivingLicence(PersonSection):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="driving_licences", verbose_name=_("persona")
    )
    category = models.CharField(_("categoria"), max_length=5, choices=DrivingCategory.choices)

    class Meta:
        verbose_name = _("patente di guida")
        verbose_name_plural = _("patenti di guida")
        ordering = ["person", "category", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                name="licence_once_per_person",
                violation_error_message=_("Questa patente è già nel fascicolo."),
            )
        ]

    def __str__(self) -> str:
        return self.category


@pghistory.track()
class OtherLicence(PersonSection):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="other_licences", verbose_name=_("persona")
    )
    name = models.CharField(_("patentino o abilitazione"), max_length=200)
    issuer = models.CharField(_("rilasciato da"), max_length=200, blank=True)
    number = models.CharField(_("numero"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("patentino o abilitazione")
        verbose_name_plural = _("patentini e abilitazioni")
        ordering = ["person", "name", "id"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Availability(PersonSection):
    """What work the person is available for: one row per person."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="availability", verbose_name=_("persona")
    )
    contract_types = models.ManyToManyField(
        ContractType, blank=True, related_name="+", verbose_name=_("tipologie contrattuali")
    )
    working_time = models.CharField(
        _("orario"), max_length=4, choices=WorkingTime.choices, default=WorkingTime.ANY
    )
    mobility_radius_km = models.PositiveIntegerField(
        _("disponibilità a spostarsi (km)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(20000)],
    )
    shifts = models.BooleanField(_("disponibile a turni"), default=False)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("disponibilità")
        verbose_name_plural = _("disponibilità")

    def __str__(self) -> str:
        return str(_("Disponibilità"))


# Dossier sections a CV may draw rows from (keys as in sil.dossier.queries.SECTIONS).
CV_SECTION_KEYS = (
    "esperienze",
    "titoli",
    "formazione",
    "lingue",
    "informatica",
    "patenti",
    "patentini",
)


class CvQuerySet(models.QuerySet["Cv"]):
    def for_person(self, person: Person | int) -> CvQuerySet:
        return self.filter(person=person)


@pghistory.track()
class Cv(models.Model):
    """A curriculum kept by the citizen: rows chosen from the dossier plus free text.

    `selection` maps each dossier section key to the ids of the rows shown; rows removed from
    the dossier simply drop out. A person may keep several CVs, one of them the default.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="cvs", verbose_name=_("persona")
    )
    name = models.CharField(
        _("nome del CV"),
        max_length=100,
        help_text=_("Solo per riconoscerlo, ad esempio «Magazzino» o «Vendite»."),
    )
    headline = models.CharField(_("titolo professionale"), max_length=200, blank=True)
    summary = models.TextField(_("presentazione"), blank=True)
    desired_job = models.CharField(_("lavoro desiderato"), max_length=200, blank=True)
    extra_skills = models.TextField(_("altre competenze"), blank=True)
    availability_note = models.TextField(_("disponibilità"), blank=True)
    selection = models.JSONField(_("voci del fascicolo incluse"), default=dict, blank=True)
    is_default = models.BooleanField(_("CV predefinito"), default=False)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = CvQuerySet.as_manager()

    class Meta:
        verbose_name = _("curriculum vitae")
        verbose_name_plural = _("curricula vitae")
        ordering = ["person", "-is_default", "name", "id"]
        indexes = [models.Index(fields=["person", "name"], name="cv_person_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_default=True),
                name="cv_one_default_per_person",
                violation_error_message=_("La persona ha già un CV predefinito."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def selected_ids(self, key: str) -> list[int]:
        value = (self.selection or {}).get(key) or []
        return [int(item) for item in value if str(item).isdigit()]
