"""Convocation campaigns for benefit recipients.

A BenefitProgramme (ADI, SFL, NASpI, GOL…) is data: name, legal basis, deadlines and sanction
rules, editable without a release. A Campaign convenes a list of recipients of one programme by
a deadline: the list is imported (ImportBatch, Exclusion), each person gets a Convocation at the
competent CPI, is scheduled into a slot, invited and reminded through the notifications outbox,
received, and the outcome recorded; unjustified absences become SanctionEvents for the national
platform.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.appointments.models import Appointment
from sil.people.models import Person
from sil.territory.models import Office


class BenefitProgramme(models.Model):
    code = models.SlugField(_("codice"), max_length=20, unique=True)
    name = models.CharField(_("denominazione"), max_length=200)
    legal_basis = models.CharField(_("riferimento normativo"), max_length=300, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    # Days the recipient has to contact / be seen by the CPI from the list date.
    contact_days = models.PositiveSmallIntegerField(
        _("giorni per il primo contatto"), null=True, blank=True
    )
    pact_days = models.PositiveSmallIntegerField(_("giorni per il Patto"), null=True, blank=True)
    # Sanction ladder per breach, as data: {"missed_convocation": ["-1/4 mensilità", …], …}.
    sanction_rules = models.JSONField(_("regole sanzionatorie"), default=dict, blank=True)
    sanctions_household = models.BooleanField(
        _("la sanzione colpisce il nucleo"),
        default=False,
        help_text=_("Per esempio l'ADI: decade l'intero nucleo familiare."),
    )
    is_active = models.BooleanField(_("in vigore"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("misura")
        verbose_name_plural = _("misure")

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A benefit's household (nucleo familiare) as the national platform identifies it."""

    programme = models.ForeignKey(
        BenefitProgramme, on_delete=models.PROTECT, related_name="households"
    )
    code = models.CharField(_("identificativo del nucleo"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nucleo familiare")
        verbose_name_plural = _("nuclei familiari")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="household_once"),
        ]

    def __str__(self) -> str:
        return self.code


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("bozza")
    READY = "ready", _("pronta")
    RUNNING = "running", _("in corso")
    CLOSED = "closed", _("chiusa")


class Campaign(models.Model):
    slug = models.SlugField(_("codice"), max_length=60, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    programme = models.ForeignKey(
        BenefitProgramme,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("misura"),
    )
    state = models.CharField(
        _("stato"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    list_date = models.DateField(_("data della lista"), null=True, blank=True)
    starts_on = models.DateField(_("primo giorno di convocazione"), null=True, blank=True)
    deadline = models.DateField(_("termine"))
    channels = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("canali"),
        default=list,
        help_text=_("In ordine di preferenza: appio, sms, email."),
    )
    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("promemoria (giorni prima)"),
        default=list,
    )
    appointment_minutes = models.PositiveSmallIntegerField(
        _("durata dell'appuntamento"), default=30
    )
    helpline = models.CharField(_("numero di telefono per informazioni"), max_length=40, blank=True)
    sms_cost_cents = models.PositiveSmallIntegerField(_("costo di un SMS (centesimi)"), default=5)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    launched_at = models.DateTimeField(_("avviata il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campagna di convocazione")
        verbose_name_plural = _("campagne di convocazione")

    def __str__(self) -> str:
        return self.name

    @property
    def topic(self) -> str:
        """The outbox / appointment topic of this campaign."""
        return f"campaign:{self.pk}"


class TemplateStep(models.TextChoices):
    INVITATION = "invitation", _("convocazione")
    REMINDER = "reminder", _("promemoria")
    MOVED = "moved", _("appuntamento spostato")
    CANCELLED = "cancelled", _("appuntamento annullato")


class MessageTemplate(models.Model):
    """The text of one step on one channel in one language, with {placeholders}."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="templates")
    step = models.CharField(_("passo"), max_length=20, choices=TemplateStep.choices)
    channel = models.CharField(_("canale"), max_length=10)
    language = models.CharField(_("lingua"), max_length=8, default="it")
    subject = models.CharField(_("oggetto"), max_length=200, blank=True)
    body = models.TextField(_("testo"))

    class Meta:
        ordering = ["campaign", "step", "channel", "language"]
        verbose_name = _("modello di messaggio")
        verbose_name_plural = _("modelli di messaggio")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "step", "channel", "language"], name="template_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step}/{self.channel}/{self.language}"


class OfficeCapacity(models.Model):
    """How many people a CPI can receive per working day for this campaign (0: none)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="capacities")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    per_day = models.PositiveIntegerField(_("persone al giorno"))

    class Meta:
        verbose_name = _("capacità del CPI")
        verbose_name_plural = _("capacità dei CPI")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "office"], name="capacity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.per_day}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("in coda")
    RUNNING = "running", _("in corso")
    DONE = "done", _("completata")
    FAILED = "failed", _("non riuscita")


class ImportBatch(models.Model):
    """One import of a beneficiary list (or its dry run), with the whole report.

    Big files run in the worker: the row is created first (queued) and its status, stage and
    processed/total counters are updated while the file is read and checked, so the upload page
    can show the progress.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField(_("simulazione"), default=False)
    written = models.BooleanField(_("scritto"), default=False)
    rows = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    report = models.JSONField(_("rapporto"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.DONE
    )
    stage = models.CharField(_("fase"), max_length=60, blank=True)
    processed = models.PositiveIntegerField(_("righe elaborate"), default=0)
    total = models.PositiveIntegerField(_("righe totali"), default=0)
    # The uploaded file while it waits for the worker (removed once imported).
    source_path = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(_("terminata il"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("importazione della lista")
        verbose_name_plural = _("importazioni delle liste")

    def __str__(self) -> str:
        return self.file_name


class ExclusionReason(models.TextChoices):
    NO_CONTACT = "no_contact", _("nessun recapito")
    ALREADY_CONVENED = "already_convened", _("già convocato in una campagna aperta")
    PACT_SIGNED = "pact_signed", _("Patto di servizio già firmato")
    OUTSIDE_REGION = "outside_region", _("residente fuori Regione")
    NO_OFFICE = "no_office", _("nessun CPI competente")
    DUPLICATE = "duplicate", _("già presente nella campagna")


class Exclusion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exclusions")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="exclusions")
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    row = models.PositiveIntegerField(_("riga"), null=True, blank=True)
    reason = models.CharField(_("motivo"), max_length=20, choices=ExclusionReason.choices)
    detail = models.CharField(_("dettaglio"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("esclusione")
        verbose_name_plural = _("esclusioni")
        indexes = [models.Index(fields=["campaign", "reason"], name="exclusion_campaign_reason")]

    def __str__(self) -> str:
        return f"{self.fiscal_code} {self.reason}"


class ConvocationState(models.TextChoices):
    TO_ASSIGN = "to_assign", _("da assegnare")
    ASSIGNED = "assigned", _("assegnata")
    INVITED = "invited", _("invitata")
    CONFIRMED = "confirmed", _("confermata")
    RESCHEDULED = "rescheduled", _("riprogrammata")
    CLOSED = "closed", _("esitata")


class Outcome(models.TextChoices):
    """Outcome codes of SPEC section 6 (the Ministry's SIU table, when obtained, maps here)."""

    PRES_PSP = "PRES_PSP", _("Presente, Patto firmato")
    PRES_AGG = "PRES_AGG", _("Presente, Patto aggiornato")
    PRES_NOPSP = "PRES_NOPSP", _("Presente, rifiuta di firmare il Patto")
    ASS_GIUST = "ASS_GIUST", _("Assente giustificato")
    ASS_INGIUST = "ASS_INGIUST", _("Assente non giustificato")
    NON_RECAP = "NON_RECAP", _("Non raggiungibile")
    ESONERO = "ESONERO", _("Esonerato")
    OCCUPATO = "OCCUPATO", _("Già occupato")
    TRASF = "TRASF", _("CPI o Regione non competente")


OPEN_CONVOCATION_STATES = (
    ConvocationState.TO_ASSIGN,
    ConvocationState.ASSIGNED,
    ConvocationState.INVITED,
    ConvocationState.CONFIRMED,
    ConvocationState.RESCHEDULED,
)


class Convocation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="convocations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="convocations")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="convocations"
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="convocations"
    )
    state = models.CharField(
        _("stato"),
        max_length=12,
        choices=ConvocationState.choices,
        default=ConvocationState.TO_ASSIGN,
    )
    # Contacts as the national list gave them (the registry may hold others).
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="convocations"
    )
    attempt = models.PositiveSmallIntegerField(_("tentativo"), default=1)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    row = models.PositiveIntegerField(_("riga della lista"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invitata il"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(_("esito il"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_note = models.TextField(_("note sull'esito"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("convocazione")
        verbose_name_plural = _("convocazioni")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="convocation_once"),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "office", "state"], name="convocation_campaign_office"
            ),
            models.Index(fields=["person"], condition=~Q(state="closed"), name="convocation_open"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.person_id}"


class ConvocationEvent(models.Model):
    """Append-only log of a convocation: assigned, invited, confirmed, moved, outcome…"""

    convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("evento"), max_length=30)
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento della convocazione")
        verbose_name_plural = _("eventi della convocazione")

    def __str__(self) -> str:
        return f"{self.convocation_id} {self.kind}"


class SanctionEvent(models.Model):
    """An "evento suscettibile di sanzione" to notify to the national platform (SIISL/SIU)."""

    convocation = models.OneToOneField(
        Convocation, on_delete=models.PROTECT, related_name="sanction"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sanction_events")
    programme = models.ForeignKey(BenefitProgramme, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("codice"), max_length=12, choices=Outcome.choices)
    occurred_on = models.DateField(_("data dell'evento"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(_("trasmesso il"), null=True, blank=True)
    export_batch = models.CharField(_("lotto di trasmissione"), max_length=40, blank=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("evento sanzionabile")
        verbose_name_plural = _("eventi sanzionabili")

    def __str__(self) -> str:
        return f"{self.person_id} {self.code} {self.occurred_on}"
