"""Services and active policies received (SAP section 6), profiling as received from the national
node, and the GOL assessment."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.core import fiscal_code as cf
from sil.core.permissions import scope_to_offices
from sil.people.models import Person

# SAP policy ID: 2-digit source system, 8 hex digits of sequence, one check character.
POLICY_ID = re.compile(r"^[0-9]{2}[0-9A-F]{8}[A-Z]$")


def policy_id_check_character(
    promoter_code: str, activity_type: str, proposal_date: dt.date
) -> str:
    """The CIN of a policy ID: the CF algorithm on promoter(11) + activity type(3) + date(8)."""
    return cf.check_character(
        f"{promoter_code.upper():<11.11}{activity_type.upper():<3.3}{proposal_date:%Y%m%d}"
    )


class ServiceQuerySet(models.QuerySet[Any]):
    office_path = "person__competent_office"

    def for_operator(self, user: Any) -> ServiceQuerySet:
        scoped: ServiceQuerySet = scope_to_offices(self, user, self.office_path)  # type: ignore[assignment]
        return scoped


class PolicyEventQuerySet(ServiceQuerySet):
    office_path = "policy__person__competent_office"


class DateRule(models.TextChoices):
    """Which policy date an event's date must equal (Flusso SAP)."""

    PROPOSAL = "proposal", _("data di proposta")
    START = "start", _("data di inizio")
    END = "end", _("data di fine")
    ANY = "any", _("nessun vincolo")


class PolicyEventCode(models.Model):
    """The SAP table of policy events (01 Proposta … 15 Esclusione), seeded by a migration."""

    code = models.CharField(_("codice"), max_length=2, unique=True)
    name = models.CharField(_("denominazione"), max_length=100)
    date_rule = models.CharField(
        _("la data dell'evento coincide con"),
        max_length=8,
        choices=DateRule.choices,
        default=DateRule.ANY,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("codice evento di politica")
        verbose_name_plural = _("codici evento di politica")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class GolPath(models.Model):
    """The five GOL pathways, seeded by a migration."""

    number = models.PositiveSmallIntegerField(_("numero"), unique=True)
    name = models.CharField(_("denominazione"), max_length=100)
    description = models.CharField(_("destinatari"), max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("percorso GOL")
        verbose_name_plural = _("percorsi GOL")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


# The default history model name (PolicyEvent) and reverse accessor (events) are taken by the
# SAP policy events below.
@pghistory.track(
    model_name="PolicyChangeEvent",
    obj_field=pghistory.ObjForeignKey(related_name="change_events"),
)
class Policy(models.Model):
    """An active labour policy or service offered to a person."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="policies", verbose_name=_("persona")
    )
    activity_type = models.CharField(
        _("tipo attività"), max_length=3, help_text=_("Codice SAP del tipo di attività, es. A02.")
    )
    title = models.CharField(_("denominazione"), max_length=300)
    promoter_code = models.CharField(
        _("codice ente promotore"),
        max_length=11,
        blank=True,
        help_text=_("Codice a 11 caratteri dell'ente che promuove la politica."),
    )
    promoter = models.CharField(_("ente promotore"), max_length=300, blank=True)
    proposal_date = models.DateField(_("data di proposta"))
    start_date = models.DateField(_("data di inizio"), null=True, blank=True)
    end_date = models.DateField(_("data di fine"), null=True, blank=True)
    policy_id = models.CharField(
        _("identificativo politica"),
        max_length=11,
        blank=True,
        help_text=_("11 caratteri: sistema (2 cifre), progressivo (8 esadecimali), controllo."),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-proposal_date", "id"]
        verbose_name = _("politica attiva")
        verbose_name_plural = _("politiche attive")
        indexes = [models.Index(fields=["person", "proposal_date"], name="policy_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__gte=models.F("proposal_date")),
                name="policy_start_after_proposal",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="policy_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(policy_id="") | Q(policy_id__regex=POLICY_ID.pattern),
                name="policy_id_shape",
            ),
            models.UniqueConstraint(
                fields=["policy_id"], condition=~Q(policy_id=""), name="policy_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        self.policy_id = cf.normalise(self.policy_id)
        if self.policy_id:
            if not POLICY_ID.match(self.policy_id):
                errors["policy_id"] = _(
                    "L'identificativo della politica ha 11 caratteri: 2 cifre del sistema, 8 "
                    "cifre esadecimali e un carattere di controllo."
                )
            elif self.promoter_code and self.activity_type and self.proposal_date:
                expected = policy_id_check_character(
                    self.promoter_code, self.activity_type, self.proposal_date
                )
                if self.policy_id[10] != expected:
                    errors["policy_id"] = _(
                        "Il carattere di controllo dell'identificativo non è corretto."
                    )
        if self.start_date and self.proposal_date and self.start_date < self.proposal_date:
            errors["start_date"] = _("L'inizio non può precedere la proposta.")
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("La fine non può precedere l'inizio.")
        if errors:
            raise ValidationError(errors)

    def date_for(self, rule: str) -> dt.date | None:
        dates: dict[str, dt.date | None] = {
            DateRule.PROPOSAL: self.proposal_date,
            DateRule.START: self.start_date,
            DateRule.END: self.end_date,
        }
        return dates.get(rule)


@pghistory.track()
class PolicyEvent(models.Model):
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="events", verbose_name=_("politica")
    )
    code = models.ForeignKey(PolicyEventCode, on_delete=models.PROTECT, verbose_name=_("evento"))
    date = models.DateField(_("data dell'evento"))
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    objects = PolicyEventQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "date", "id"]
        verbose_name = _("evento di politica")
        verbose_name_plural = _("eventi di politica")
        indexes = [models.Index(fields=["policy", "date"], name="policy_event_policy_date")]

    def __str__(self) -> str:
        return f"{self.code} {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        """The event date equals the policy date its code names (SAP rule)."""
        if self.code_id is None or self.policy_id is None or self.date is None:
            return
        rule = self.code.date_rule
        if rule == DateRule.ANY:
            return
        expected = self.policy.date_for(rule)
        if expected is None:
            raise ValidationError(
                {
                    "date": ValidationError(
                        _("Per l'evento %(event)s la politica deve avere la %(date)s."),
                        code="missing_policy_date",
                        params={"event": self.code, "date": DateRule(rule).label},
                    )
                }
            )
        if self.date != expected:
            raise ValidationError(
                {
                    "date": ValidationError(
                        _(
                            "La data dell'evento %(event)s deve coincidere con la %(date)s (%(day)s)."
                        ),
                        code="event_date",
                        params={
                            "event": self.code,
                            "date": DateRule(rule).label,
                            "day": expected.strftime("%d/%m/%Y"),
                        },
                    )
                }
            )


@pghistory.track()
class Profiling(models.Model):
    """The occupability index and class as received from the national node: stored, never
    recomputed (no code in this system computes it)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="profilings", verbose_name=_("persona")
    )
    index = models.DecimalField(
        _("indice di profilazione"),
        max_digits=6,
        decimal_places=5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    profiling_class = models.CharField(_("classe"), max_length=20, blank=True)
    model_version = models.CharField(_("versione del modello"), max_length=50)
    profiled_on = models.DateField(_("data della profilazione"))
    source = models.CharField(_("fonte"), max_length=50, default="NCN")
    received_at = models.DateTimeField(_("ricevuto il"), auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-profiled_on", "-id"]
        verbose_name = _("profilazione")
        verbose_name_plural = _("profilazioni")
        indexes = [models.Index(fields=["person", "profiled_on"], name="profiling_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(index__gte=0) & Q(index__lte=1), name="profiling_index_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.index} ({self.model_version})"


@pghistory.track()
class GolAssessment(models.Model):
    """The operator's decision on the GOL pathway. The operator, not the score, decides
    (GDPR art. 22): departing from the suggested path needs a reason."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="gol_assessments", verbose_name=_("persona")
    )
    path = models.ForeignKey(GolPath, on_delete=models.PROTECT, verbose_name=_("percorso"))
    profiling = models.ForeignKey(
        Profiling,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("profilazione considerata"),
    )
    decided_on = models.DateField(_("data della decisione"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operatore"),
    )
    override = models.BooleanField(_("scostamento dal percorso suggerito"), default=False)
    override_reason = models.TextField(_("motivazione dello scostamento"), blank=True)
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-decided_on", "-id"]
        verbose_name = _("assessment GOL")
        verbose_name_plural = _("assessment GOL")
        constraints = [
            models.CheckConstraint(
                condition=Q(override=False) | ~Q(override_reason=""),
                name="gol_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return str(self.path)

    def clean(self) -> None:
        if self.override and not self.override_reason.strip():
            raise ValidationError(
                {"override_reason": _("Motivare lo scostamento dal percorso suggerito.")}
            )


class PactState(models.TextChoices):
    DRAFT = "draft", _("bozza")
    AWAITING_SIGNATURE = "awaiting", _("in attesa di firma")
    SIGNED = "signed", _("firmato")
    SUPERSEDED = "superseded", _("sostituito")


class SignatureMethod(models.TextChoices):
    PAPER = "paper", _("su carta (scansione)")
    OTP = "otp", _("con codice OTP")


# The frozen PDF is left out of the history: copying it on every update would multiply its size;
# its SHA-256 is tracked and identifies it.
@pghistory.track(exclude=["document"])
class ServicePact(models.Model):
    """Patto di servizio personalizzato (art. 20 D.Lgs. 150/2015; SPEC section 4).

    The contents are stored as the operator agreed them; the PDF is generated from them, and
    once signed its SHA-256 is kept with the signature so the document cannot change unseen.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="service_pacts", verbose_name=_("persona")
    )
    office = models.ForeignKey(
        "territory.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("CPI")
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsabile delle attività"),
    )
    # Where it came from, e.g. "campaign:12" (the campaign that convened the person).
    topic = models.CharField(_("origine"), max_length=60, blank=True)
    state = models.CharField(
        _("stato"), max_length=10, choices=PactState.choices, default=PactState.DRAFT
    )
    profiling_class = models.CharField(_("profilo di occupabilità"), max_length=60, blank=True)
    gol_path = models.ForeignKey(
        GolPath, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("percorso GOL")
    )
    job_search_actions = models.TextField(_("atti di ricerca attiva e tempi"))
    meeting_frequency = models.CharField(_("frequenza degli incontri con il CPI"), max_length=200)
    search_proof = models.TextField(_("modalità di prova della ricerca"))
    availability = models.TextField(
        _("disponibilità a orientamento, formazione, misure attive e offerte congrue")
    )
    notes = models.TextField(_("note"), blank=True)
    valid_from = models.DateField(_("valido dal"))
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    signed_at = models.DateTimeField(_("firmato il"), null=True, blank=True)
    signature_method = models.CharField(
        _("modalità di firma"), max_length=10, choices=SignatureMethod.choices, blank=True
    )
    document_sha256 = models.CharField(_("impronta del documento"), max_length=64, blank=True)
    document = models.BinaryField(_("documento PDF"), null=True, blank=True)
    scan = models.FileField(_("scansione firmata"), upload_to="pacts/%Y/%m/", blank=True)
    scan_sha256 = models.CharField(_("impronta della scansione"), max_length=64, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-created_at", "-id"]
        verbose_name = _("Patto di servizio")
        verbose_name_plural = _("Patti di servizio")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="signed")
                | (Q(signed_at__isnull=False) & ~Q(signature_method="") & ~Q(document_sha256="")),
                name="pact_signed_has_signature",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["draft", "awaiting"]),
                name="pact_one_open_per_person",
            ),
            # A new signature supersedes the previous one in the same transaction.
            models.UniqueConstraint(
                fields=["person"], condition=Q(state="signed"), name="pact_one_signed_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.valid_from}"


class PactOtp(models.Model):
    """A one-time code sent to the person to sign a Patto; only its hash is stored."""

    pact = models.ForeignKey(ServicePact, on_delete=models.CASCADE, related_name="otps")
    channel = models.CharField(_("canale"), max_length=10)
    destination = models.CharField(_("destinatario"), max_length=254)
    code_hash = models.CharField(max_length=128)
    document_sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("codice OTP del Patto")
        verbose_name_plural = _("codici OTP del Patto")

    def __str__(self) -> str:
        return f"{self.pact_id} {self.channel}"
