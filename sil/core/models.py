"""Shared models of the kernel: the access log of reads of personal data, the record of bulk loads."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Consultazione")
    LIST = "list", _("Elenco")
    EXPORT = "export", _("Esportazione")
    PRINT = "print", _("Stampa")
    API = "api", _("Consultazione via API")
    API_LIST = "api_list", _("Elenco via API")
    # A refused attempt: the record was outside the operator's offices and nothing was shown.
    DENIED = "denied", _("Accesso negato")


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def for_object(self, obj: models.Model) -> AccessLogQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def by_user(self, user_id: int) -> AccessLogQuerySet:
        return self.filter(user_id=user_id)


class AccessLog(models.Model):
    """Who read which personal record, when, from where and why (GDPR accountability).

    Append-only in the database: a trigger refuses UPDATE and DELETE, whatever the client.
    Rows are written by sil.core.audit.log_access, never by hand.
    """

    at = models.DateTimeField(_("data e ora"), default=timezone.now)
    # No database constraint and no cascade: the log outlives the account, and SET NULL
    # would be an UPDATE, which the trigger refuses. `username` keeps the name readable.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utente"),
    )
    username = models.CharField(_("nome utente"), max_length=254, blank=True)
    # The office the operator was acting for; a plain id keeps core free of our other apps.
    office_id = models.BigIntegerField(_("ufficio"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    request_id = models.CharField(_("id richiesta"), max_length=64, blank=True)
    path = models.CharField(_("percorso"), max_length=500, blank=True)
    action = models.CharField(_("azione"), max_length=10, choices=AccessAction.choices)
    object_type = models.CharField(_("tipo di dato"), max_length=100)
    object_id = models.CharField(_("id del dato"), max_length=64)
    fields = ArrayField(
        models.CharField(max_length=100), verbose_name=_("campi"), default=list, blank=True
    )
    special = models.BooleanField(_("categorie particolari"), default=False)
    purpose = models.CharField(_("finalità"), max_length=200, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("accesso a dati personali")
        verbose_name_plural = _("accessi a dati personali")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="accesslog_object_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
            BrinIndex(fields=["at"], name="accesslog_at_brin"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}#{self.object_id}"


# The record of bulk loads: one append-only row per batch written by COPY. Bulk statements may
# run with the per-row history triggers switched off (docs/scale.md): this row is then the audit
# trail of the batch: who, when, from what (file name and SHA-256), how many rows, which ids.
class BulkLoad(models.Model):
    kind = models.CharField(_("tipo"), max_length=30)
    # What the batch is, for resuming: e.g. "demo_data:seed=1:chunk=3".
    key = models.CharField(_("chiave"), max_length=200, blank=True, db_index=True)
    source = models.CharField(_("origine"), max_length=300, blank=True)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64, blank=True)
    at = models.DateTimeField(_("data e ora"), default=timezone.now)
    # No database constraint: deleting an account must not touch an append-only row.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eseguito da"),
    )
    context = models.JSONField(_("contesto"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("righe"), default=0)
    created = models.PositiveIntegerField(_("create"), default=0)
    updated = models.PositiveIntegerField(_("aggiornate"), default=0)
    first_id = models.BigIntegerField(_("primo id"), null=True, blank=True)
    last_id = models.BigIntegerField(_("ultimo id"), null=True, blank=True)
    row_history = models.BooleanField(
        _("storico per riga"),
        default=True,
        help_text=_("Falso se lo storico riga per riga è stato sostituito da questo record."),
    )
    details = models.JSONField(_("dettagli"), default=dict, blank=True)

    class Meta:
        verbose_name = _("caricamento massivo")
        verbose_name_plural = _("caricamenti massivi")
        indexes = [models.Index(fields=["kind", "at"], name="bulkload_kind_at")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source} ({self.rows})"


class ApiTokenPolicy(models.Model):
    """What DRF's token lacks: when it stops working and when it was last used.

    Every token issued by `sil apitoken create` gets one; a token without it is refused.
    """

    token = models.OneToOneField(
        "authtoken.Token",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="policy",
        verbose_name=_("token"),
    )
    expires_at = models.DateTimeField(_("scade il"))
    last_used_at = models.DateTimeField(_("ultimo utilizzo"), null=True, blank=True)

    class Meta:
        verbose_name = _("validità del token API")
        verbose_name_plural = _("validità dei token API")

    def __str__(self) -> str:
        return f"{self.token_id} → {self.expires_at:%Y-%m-%d}"
