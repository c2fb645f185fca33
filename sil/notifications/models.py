"""The notifications outbox: one row per message, the source of truth of what was sent.

A message is written in the same transaction as the change that causes it (an invitation with
its convocation, a reminder with its appointment), under a unique business key
(person, topic, step, channel): writing it twice is a no-op, so nothing is ever sent twice.
The worker claims due rows, hands them to the channel's transport and records every attempt
with the provider's raw answer. Delivery reports arrive later through signed webhooks and only
move a message forward (queued → sent → delivered / failed), whatever order they come in.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.people.models import Person


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    APPIO = "appio", _("App IO")


class MessageStatus(models.TextChoices):
    """Forward-only: a status may only be replaced by one of higher rank (see RANK)."""

    PENDING = "pending", _("in coda")
    SENDING = "sending", _("in invio")
    SENT = "sent", _("inviato")
    DELIVERED = "delivered", _("consegnato")
    READ = "read", _("letto")
    FAILED = "failed", _("non consegnato")
    EXPIRED = "expired", _("scaduto, non inviato")
    CANCELLED = "cancelled", _("annullato")


# The order statuses move in. Terminal failures rank above "sent" so that a late "sent" report
# never resurrects a failed message, and "read" above "delivered".
RANK: dict[str, int] = {
    MessageStatus.PENDING: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.READ: 4,
    MessageStatus.FAILED: 5,
    MessageStatus.EXPIRED: 5,
    MessageStatus.CANCELLED: 5,
}
OPEN_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING)


class OutboxMessageQuerySet(models.QuerySet["OutboxMessage"]):
    def due(self, now: Any) -> OutboxMessageQuerySet:
        return self.filter(status=MessageStatus.PENDING, send_after__lte=now)

    def for_topic(self, topic: str) -> OutboxMessageQuerySet:
        return self.filter(topic=topic)


class OutboxMessage(models.Model):
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("persona"),
    )
    # What caused the message, e.g. "campaign:12" or "appointment:345": with person, step and
    # channel it forms the business key.
    topic = models.CharField(_("argomento"), max_length=60)
    step = models.CharField(_("passo"), max_length=60)
    # The registered message kind (registry.message_kinds) whose templates wrote the text;
    # empty for texts written elsewhere (campaign templates typed by operators).
    kind = models.CharField(
        _("tipo di messaggio"), max_length=60, blank=True, default="", db_default=""
    )
    channel = models.CharField(_("canale"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("destinatario"), max_length=254)
    language = models.CharField(_("lingua"), max_length=8, default="it")
    subject = models.CharField(_("oggetto"), max_length=200, blank=True)
    body = models.TextField(_("testo"))
    html_body = models.TextField(_("testo HTML"), blank=True)
    attachments = models.JSONField(
        _("allegati"),
        default=list,
        blank=True,
        help_text=_("Elenco di {filename, mimetype, content_b64}."),
    )
    segments = models.PositiveSmallIntegerField(_("segmenti SMS"), default=0)
    status = models.CharField(
        _("stato"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    send_after = models.DateTimeField(_("da inviare dopo il"))
    # Time to live: past this moment the message is useless (an appointment already passed)
    # and is marked expired instead of being sent.
    not_after = models.DateTimeField(_("da non inviare dopo il"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    claimed_until = models.DateTimeField(_("in lavorazione fino al"), null=True, blank=True)
    provider = models.CharField(_("fornitore"), max_length=40, blank=True)
    provider_message_id = models.CharField(
        _("identificativo del fornitore"), max_length=120, blank=True
    )
    last_error = models.TextField(_("ultimo errore"), blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("consegnato il"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("stato cambiato il"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("messaggio")
        verbose_name_plural = _("messaggi")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "topic", "step", "channel"],
                name="outbox_business_key",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            # The dispatcher's claim: pending rows in send order.
            models.Index(
                fields=["send_after", "id"],
                condition=Q(status="pending"),
                name="outbox_due",
            ),
            models.Index(fields=["topic", "status"], name="outbox_topic_status"),
            models.Index(
                fields=["provider", "provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="outbox_provider_id",
            ),
            models.Index(
                fields=["claimed_until"],
                condition=Q(status="sending"),
                name="outbox_claimed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic}/{self.step}/{self.channel} → {self.recipient}"


class AttemptState(models.TextChoices):
    # Written and committed before the transmission: a crash leaves this trace behind.
    SENDING = "sending", _("in corso")
    ANSWERED = "answered", _("risposta ricevuta")
    # The worker stopped before the provider's answer was recorded: the message is sent
    # again with the same reference, unless a delivery report acknowledged it meanwhile.
    INTERRUPTED = "interrupted", _("interrotto")


class DeliveryAttempt(models.Model):
    """One hand-over to a provider, with its raw answer (kept for disputes and audits).

    The row is committed before the message leaves (state sending) and completed with the
    answer, so every transmission a provider saw has its attempt, even after kill -9.
    """

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    provider = models.CharField(_("fornitore"), max_length=40)
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    state = models.CharField(
        _("stato"), max_length=12, choices=AttemptState.choices, default=AttemptState.ANSWERED
    )
    # The idempotency key sent with the message: the same on every attempt of one message.
    reference = models.CharField(_("riferimento"), max_length=120, blank=True)
    ok = models.BooleanField(_("accettato"), default=False)
    permanent = models.BooleanField(_("errore definitivo"), default=False)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.TextField(_("risposta del fornitore"), blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("tentativo di invio")
        verbose_name_plural = _("tentativi di invio")
        indexes = [models.Index(fields=["message", "at"], name="attempt_message_at")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.provider} {self.ok}"


class DeliveryReport(models.Model):
    """A provider's delivery report as received (webhook), idempotent by its own key."""

    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delivery_reports",
    )
    provider = models.CharField(_("fornitore"), max_length=40)
    provider_message_id = models.CharField(max_length=120)
    status = models.CharField(_("stato"), max_length=10, choices=MessageStatus.choices)
    occurred_at = models.DateTimeField(_("avvenuto il"), null=True, blank=True)
    received_at = models.DateTimeField(_("ricevuto il"), auto_now_add=True)
    raw = models.JSONField(_("dati ricevuti"), default=dict)

    class Meta:
        verbose_name = _("rapporto di consegna")
        verbose_name_plural = _("rapporti di consegna")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_message_id", "status"],
                name="delivery_report_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.provider_message_id} {self.status}"


class ProviderState(models.Model):
    """Health and rate of one provider, shared by every worker process."""

    name = models.CharField(_("fornitore"), max_length=40, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_until = models.DateTimeField(null=True, blank=True)
    # Token bucket for the global rate limit: tokens left at `refilled_at`.
    tokens = models.FloatField(default=0)
    refilled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stato del fornitore")
        verbose_name_plural = _("stato dei fornitori")

    def __str__(self) -> str:
        return self.name
