"""Shortlists (rose di candidati): the candidates an operator proposes to an employer.

A shortlist is built from the ranked candidates of one vacancy, each candidate is contacted and
gives (or refuses) consent to share their data, the consented ones are sent to the employer, the
employer answers, the operator records the outcome. The firm keeps every CV it received in its
archive (ReceivedCv), whether it came with a shortlist or an application.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.applications.models import Application
from sil.core.permissions import scope_to_offices
from sil.employers.models import Employer
from sil.people.models import Person
from sil.territory.models import Office
from sil.vacancies.models import Vacancy


class ShortlistState(models.TextChoices):
    DRAFT = "draft", _("in preparazione")
    SENT = "sent", _("inviata all'impresa")
    CLOSED = "closed", _("chiusa")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("telefono")
    EMAIL = "email", _("e-mail")
    IN_PERSON = "in_person", _("di persona")


class EmployerFeedback(models.TextChoices):
    INTERESTED = "interested", _("interessata al colloquio")
    NOT_INTERESTED = "not_interested", _("non interessata")
    HIRED = "hired", _("assunzione decisa")


class Outcome(models.TextChoices):
    HIRED = "hired", _("assunto")
    NOT_SELECTED = "not_selected", _("non selezionato")
    WITHDREW = "withdrew", _("ritirato")
    NO_SHOW = "no_show", _("non presentato al colloquio")


class ShortlistQuerySet(models.QuerySet["Shortlist"]):
    def for_operator(self, user: Any) -> ShortlistQuerySet:
        """The shortlists of the operator's offices (every office for region-wide roles)."""
        scoped: ShortlistQuerySet = scope_to_offices(self, user, "office")  # type: ignore[assignment]
        return scoped

    def for_employer(self, employer_id: int) -> ShortlistQuerySet:
        """What the firm may see: shortlists of its own vacancies that were sent to it."""
        return self.filter(vacancy__employer_id=employer_id, sent_at__isnull=False)


@pghistory.track()
class Shortlist(models.Model):
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="shortlists", verbose_name=_("offerta")
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shortlists",
        verbose_name=_("CPI"),
    )
    state = models.CharField(
        _("stato"), max_length=10, choices=ShortlistState.choices, default=ShortlistState.DRAFT
    )
    note = models.TextField(_("nota per l'impresa"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creata da"),
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inviata da"),
    )
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        verbose_name = _("rosa di candidati")
        verbose_name_plural = _("rose di candidati")
        constraints = [
            # Candidates added from the ranked list go to the one shortlist in preparation.
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=Q(state="draft"),
                name="shortlist_one_draft_per_vacancy",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(sent_at__isnull=False) | Q(state="closed"),
                name="shortlist_sent_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "state", "-created_at"], name="shortlist_office_state"),
            models.Index(fields=["vacancy", "state"], name="shortlist_vacancy_state"),
        ]

    def __str__(self) -> str:
        return str(_("Rosa n. %(pk)s per «%(title)s»") % {"pk": self.pk, "title": self.vacancy})

    @property
    def is_draft(self) -> bool:
        return self.state == ShortlistState.DRAFT


@pghistory.track()
class ShortlistEntry(models.Model):
    """One candidate of a shortlist: contact, consent, the employer's answer, the outcome."""

    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.CASCADE, related_name="entries", verbose_name=_("rosa")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="shortlist_entries",
        verbose_name=_("persona"),
    )
    # The candidate's own application to the vacancy, when there is one.
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shortlist_entries",
        verbose_name=_("candidatura"),
    )
    position = models.PositiveIntegerField(_("posizione"), default=0)
    # Copied from the ranked list when the candidate was added, with the weights that made it.
    score = models.FloatField(_("punteggio"), null=True, blank=True)
    weights_version = models.CharField(_("versione dei pesi"), max_length=40, blank=True)
    criteria = models.JSONField(_("dettaglio del punteggio"), default=dict, blank=True)
    # Contact and consent: a candidate reaches the employer only with consent recorded.
    contacted_at = models.DateTimeField(_("contattato il"), null=True, blank=True)
    contact_channel = models.CharField(
        _("canale del contatto"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    contact_note = models.TextField(_("nota sul contatto"), blank=True)
    consent_to_share = models.BooleanField(
        _("consenso all'invio dei dati all'impresa"), default=False
    )
    consent_at = models.DateTimeField(_("consenso registrato il"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consenso registrato da"),
    )
    sent_at = models.DateTimeField(_("inviato all'impresa il"), null=True, blank=True)
    # The employer's answer (given in the employer area or reported to the operator).
    feedback = models.CharField(
        _("riscontro dell'impresa"), max_length=20, choices=EmployerFeedback.choices, blank=True
    )
    feedback_note = models.TextField(_("nota dell'impresa"), blank=True)
    feedback_at = models.DateTimeField(_("riscontro del"), null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("riscontro registrato da"),
    )
    outcome = models.CharField(_("esito"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("nota sull'esito"), blank=True)
    outcome_at = models.DateTimeField(_("esito registrato il"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("esito registrato da"),
    )
    created_at = models.DateTimeField(_("aggiunto il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        ordering = ["shortlist", "position", "id"]
        verbose_name = _("candidato della rosa")
        verbose_name_plural = _("candidati della rosa")
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "person"], name="shortlist_person_once"),
            # The database refuses what the consent rule forbids, whatever the client.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(consent_to_share=True),
                name="shortlist_entry_sent_only_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(consent_to_share=False) | Q(consent_at__isnull=False),
                name="shortlist_entry_consent_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "outcome_at"], name="shortlist_entry_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.shortlist_id}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class ShortlistMessage(models.Model):
    """The e-mail telling one recipient of the firm that a shortlist is waiting.

    Written in the same transaction as the shortlist's move, with its outbox row (the outbox
    sends it and holds its status); one row per recipient and shortlist, so nothing goes twice.
    """

    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.CASCADE, related_name="messages", verbose_name=_("rosa")
    )
    recipient = models.EmailField(_("destinatario"))
    subject = models.CharField(_("oggetto"), max_length=300)
    body = models.TextField(_("testo"))
    outbox_message = models.OneToOneField(
        "notifications.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("messaggio in uscita"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("messaggio della rosa")
        verbose_name_plural = _("messaggi della rosa")
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "recipient"], name="shortlist_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class ReceivedCvSource(models.TextChoices):
    SHORTLIST = "shortlist", _("rosa di candidati")
    APPLICATION = "application", _("candidatura")


class ReceivedCvQuerySet(models.QuerySet["ReceivedCv"]):
    def search(self, text: str) -> ReceivedCvQuerySet:
        words = (text or "").split()
        result = self
        for word in words:
            result = result.filter(
                Q(person__last_name__unaccent__icontains=word)
                | Q(person__first_name__unaccent__icontains=word)
                | Q(profession_label__unaccent__icontains=word)
                | Q(vacancy__title__unaccent__icontains=word)
            )
        return result


@pghistory.track()
class ReceivedCv(models.Model):
    """A candidate's CV in the archive of a firm: what reached it and when.

    One row per person and channel: a shortlist entry sent to the firm or an application to it.
    The firm can archive a row (out of its working list) and bring it back.
    """

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="received_cvs", verbose_name=_("impresa")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("persona")
    )
    vacancy = models.ForeignKey(
        Vacancy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offerta"),
    )
    source = models.CharField(_("canale"), max_length=12, choices=ReceivedCvSource.choices)
    entry = models.ForeignKey(
        ShortlistEntry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="received_cvs",
        verbose_name=_("candidato della rosa"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="received_cvs",
        verbose_name=_("candidatura"),
    )
    # The profession of the vacancy (or the CV's title), for searching the archive.
    profession_label = models.CharField(_("professione"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("ricevuto il"))
    archived_at = models.DateTimeField(_("archiviato il"), null=True, blank=True)

    objects = ReceivedCvQuerySet.as_manager()

    class Meta:
        verbose_name = _("CV ricevuto")
        verbose_name_plural = _("CV ricevuti")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "entry"],
                condition=Q(entry__isnull=False),
                name="received_cv_entry_once",
            ),
            models.UniqueConstraint(
                fields=["employer", "application"],
                condition=Q(application__isnull=False),
                name="received_cv_application_once",
            ),
            models.CheckConstraint(
                condition=Q(entry__isnull=False) | Q(application__isnull=False),
                name="received_cv_has_origin",
            ),
        ]
        indexes = [
            models.Index(
                fields=["employer", "archived_at", "-received_at"], name="received_cv_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.employer}"
