"""DID (Dichiarazione di Immediata Disponibilità), its append-only events and suspensions.

The DID's state is a cache of its last event; the events are the record (never updated,
never deleted: a database trigger refuses it). Allowed moves are in sil/did/machine.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sil.core.db import DateRange
from sil.core.permissions import scope_to_offices
from sil.people.models import Person


class DidChannel(models.TextChoices):
    """How the DID was made (SPEC §2, "How a DID is made")."""

    NATIONAL_PORTAL = "national_portal", _("Portale nazionale del Ministero")
    REGIONAL = "regional", _("Portale regionale o SIL")
    CPI = "cpi", _("Operatore del CPI")
    BENEFIT_APPLICATION = "benefit_application", _("Domanda NASpI/DIS-COLL all'INPS")
    SIISL = "siisl", _("ADI/SFL tramite SIISL (PAD)")


class DidState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("DID state", "Attiva")
    SUSPENDED = "suspended", _("Sospesa")
    CONSERVED = "conserved", _("Conservata")
    LAPSED = "lapsed", _("Decaduta")
    REVOKED = "revoked", _("Revocata")


# States in which the DID is still in force (one per person at most).
OPEN_STATES = (DidState.ACTIVE, DidState.SUSPENDED, DidState.CONSERVED)


class DidEventKind(models.TextChoices):
    DECLARE = "declare", _("Dichiarazione")
    SUSPEND = "suspend", _("Sospensione per rapporto di lavoro")
    CONSERVE = "conserve", _("Conservazione (reddito entro la soglia)")
    RESUME = "resume", _("Ripresa per fine del rapporto di lavoro")
    LAPSE = "lapse", _("Decadenza")
    REVOKE = "revoke", _("Revoca")


class LapseReason(models.TextChoices):
    """Why a DID lapsed (decadenza): SPEC §2 and §4."""

    SUSPENSION_LIMIT = (
        "suspension_limit",
        _("Rapporto di lavoro oltre 180 giorni con reddito sopra la soglia"),
    )
    SELF_EMPLOYMENT = "self_employment", _("Lavoro autonomo con reddito sopra la soglia")
    SANCTION = "sanction", _("Sanzione")
    REFUSED_OFFER = "refused_offer", _("Rifiuto di un'offerta congrua")
    OTHER = "other", _("Altro motivo")


class IncomeKind(models.TextChoices):
    EMPLOYEE = "employee", _("Lavoro dipendente o parasubordinato")
    SELF_EMPLOYED = "self_employed", _("Lavoro autonomo")


class DidQuerySet(models.QuerySet["Did"]):
    def for_operator(self, user: Any) -> DidQuerySet:
        scoped: DidQuerySet = scope_to_offices(self, user, "person__competent_office")  # type: ignore[assignment]
        return scoped

    def open(self) -> DidQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def with_history(self) -> DidQuerySet:
        return self.prefetch_related(
            models.Prefetch(
                "events",
                queryset=DidEvent.objects.order_by("effective_date", "recorded_at", "id"),
            ),
            models.Prefetch("suspensions", queryset=Suspension.objects.order_by("start", "id")),
        )


# "DidEvent" is the state machine's own model: the history of Did rows takes another name.
@pghistory.track(
    model_name="DidHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history"),
)
class Did(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="dids", verbose_name=_("persona")
    )
    did_date = models.DateField(_("data della DID"))
    national_id = models.CharField(
        _("identificativo DID (NCN)"),
        max_length=40,
        blank=True,
        help_text=_("Assegnato dal nodo di coordinamento nazionale."),
    )
    channel = models.CharField(_("canale"), max_length=30, choices=DidChannel.choices)
    state = models.CharField(
        _("stato"), max_length=12, choices=DidState.choices, default=DidState.ACTIVE
    )
    state_since = models.DateField(_("stato in vigore dal"))
    ended_on = models.DateField(_("data di decadenza o revoca"), null=True, blank=True)
    lapse_reason = models.CharField(
        _("motivo della decadenza"), max_length=30, choices=LapseReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = DidQuerySet.as_manager()

    class Meta:
        verbose_name = _("DID")
        verbose_name_plural = _("DID")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
                name="did_one_open_per_person",
                violation_error_message=_("La persona ha già una DID in vigore."),
            ),
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~Q(national_id=""),
                name="did_national_id_unique",
            ),
            models.CheckConstraint(condition=Q(state__in=DidState.values), name="did_state_valid"),
            models.CheckConstraint(
                condition=Q(channel__in=DidChannel.values), name="did_channel_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state__in=[s.value for s in OPEN_STATES], ended_on__isnull=True)
                    | Q(
                        ~Q(state__in=[s.value for s in OPEN_STATES]),
                        ended_on__isnull=False,
                        ended_on__gte=models.F("did_date"),
                    )
                ),
                name="did_ended_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["person", "-did_date"], name="did_person_date")]

    def __str__(self) -> str:
        return f"DID {self.did_date:%d/%m/%Y} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@pghistory.track()
class DidEvent(models.Model):
    """One move of a DID's state machine. Append-only (database trigger)."""

    did = models.ForeignKey(
        Did, on_delete=models.PROTECT, related_name="events", verbose_name=_("DID")
    )
    kind = models.CharField(_("evento"), max_length=12, choices=DidEventKind.choices)
    state_before = models.CharField(
        _("stato precedente"), max_length=12, choices=DidState.choices, blank=True
    )
    state_after = models.CharField(_("stato successivo"), max_length=12, choices=DidState.choices)
    effective_date = models.DateField(_("data di effetto"))
    reason = models.CharField(_("motivo"), max_length=30, choices=LapseReason.choices, blank=True)
    note = models.TextField(_("nota"), blank=True)
    source_reference = models.CharField(
        _("riferimento della fonte"),
        max_length=60,
        blank=True,
        help_text=_("Ad esempio il codice della comunicazione obbligatoria."),
    )
    income_kind = models.CharField(
        _("tipo di reddito"), max_length=15, choices=IncomeKind.choices, blank=True
    )
    projected_annual_income = models.DecimalField(
        _("reddito annuo previsto (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("registrato il"), auto_now_add=True)
    # No database constraint and no SET NULL: deleting the account must not UPDATE the event.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )
    recorded_by_name = models.CharField(_("nome di chi ha registrato"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("evento della DID")
        verbose_name_plural = _("eventi della DID")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DidEventKind.values), name="didevent_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["did", "effective_date"], name="didevent_did_date")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"


@pghistory.track()
class Suspension(models.Model):
    """A period in which the DID is suspended by a job; first and last day count (SPEC §2)."""

    did = models.ForeignKey(
        Did, on_delete=models.PROTECT, related_name="suspensions", verbose_name=_("DID")
    )
    start = models.DateField(_("inizio"))
    end = models.DateField(_("fine"), null=True, blank=True)
    source_reference = models.CharField(_("comunicazione obbligatoria"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("sospensione")
        verbose_name_plural = _("sospensioni")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="suspension_end_after_start",
            ),
            ExclusionConstraint(
                name="suspension_no_overlap",
                expressions=[
                    ("did", RangeOperators.EQUAL),
                    (
                        DateRange("start", "end", RangeBoundary(inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.end:%d/%m/%Y}" if self.end else "…"
        return f"{self.start:%d/%m/%Y} – {end}"


class IncomeThresholdQuerySet(models.QuerySet["IncomeThreshold"]):
    def in_force(self, kind: str, day: dt.date) -> IncomeThreshold | None:
        return (
            self.filter(kind=kind)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .first()
        )


class IncomeThreshold(models.Model):
    """Yearly work income within which a person keeps the unemployment status (dated)."""

    kind = models.CharField(_("tipo di reddito"), max_length=15, choices=IncomeKind.choices)
    amount = models.DecimalField(_("soglia annua (EUR)"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("in vigore dal"), null=True, blank=True)
    valid_to = models.DateField(_("in vigore fino al"), null=True, blank=True)
    source = models.CharField(_("fonte"), max_length=300)

    objects = IncomeThresholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("soglia di reddito")
        verbose_name_plural = _("soglie di reddito")
        ordering = ["kind", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="incomethreshold_dates",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="incomethreshold_amount"),
            ExclusionConstraint(
                name="incomethreshold_no_overlap",
                expressions=[
                    ("kind", RangeOperators.EQUAL),
                    (
                        DateRange("valid_from", "valid_to", RangeBoundary(inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} EUR"
