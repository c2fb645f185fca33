"""Applications (candidature) to vacancies or spontaneous ones to an employer, their append-only
events and the notifications each event sends.

An application's state is a cache of its last event; the allowed moves are in
sil/applications/machine.py.
"""

from __future__ import annotations

from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.core.permissions import visible_office_ids
from sil.dossier.models import Cv
from sil.employers.models import Employer
from sil.people.models import Person
from sil.vacancies.models import Vacancy


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("inviata")
    VIEWED = "viewed", _("vista")
    IN_SELECTION = "in_selection", _("in selezione")
    INTERVIEW = "interview", _("colloquio")
    HIRED = "hired", _("assunto")
    REJECTED = "rejected", _("non selezionata")
    WITHDRAWN = "withdrawn", _("ritirata")


OPEN_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.VIEWED,
    ApplicationState.IN_SELECTION,
    ApplicationState.INTERVIEW,
)


class Actor(models.TextChoices):
    """Who moved an application: decides which moves are allowed (see machine.py)."""

    CITIZEN = "citizen", _("cittadino")
    OPERATOR = "operator", _("operatore")
    EMPLOYER = "employer", _("impresa")
    SYSTEM = "system", _("sistema")


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> ApplicationQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def for_operator(self, user: Any) -> ApplicationQuerySet:
        """Applications to vacancies of the operator's offices or of people they follow; a
        spontaneous application also through the employer's CPI."""
        offices = visible_office_ids(user)
        if offices is None:
            return self
        if not offices:
            return self.none()
        ids = sorted(offices)
        return self.filter(
            Q(vacancy__office__in=ids)
            | Q(person__competent_office__in=ids)
            | Q(vacancy__isnull=True, employer__office__in=ids)
        )

    def for_person(self, person: Person | int) -> ApplicationQuerySet:
        return self.filter(person=person)

    def for_list(self) -> ApplicationQuerySet:
        return self.select_related("person", "vacancy", "employer", "cv")


@pghistory.track(
    model_name="ApplicationHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history"),
)
class Application(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="applications", verbose_name=_("persona")
    )
    vacancy = models.ForeignKey(
        Vacancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("offerta"),
        help_text=_("Vuoto per una candidatura spontanea."),
    )
    # Always set: the vacancy's employer, or the one a spontaneous application is sent to.
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="applications", verbose_name=_("impresa")
    )
    cv = models.ForeignKey(
        Cv,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("CV"),
    )
    # The CV as sent (Europass-like JSON): later edits or deletion of the CV do not change it.
    cv_snapshot = models.JSONField(_("CV inviato"), default=dict, blank=True)
    message = models.TextField(_("messaggio"), blank=True)
    state = models.CharField(
        _("stato"),
        max_length=12,
        choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED,
    )
    state_since = models.DateTimeField(_("stato dal"))
    created_at = models.DateTimeField(_("inviata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidatura")
        verbose_name_plural = _("candidature")
        indexes = [
            models.Index(fields=["vacancy", "state"], name="application_vacancy_state"),
            models.Index(fields=["employer", "state"], name="application_employer_state"),
            models.Index(fields=["person", "-created_at"], name="application_person_created"),
            models.Index(fields=["state", "-created_at"], name="application_state_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "vacancy"],
                condition=Q(state__in=[s.value for s in OPEN_STATES], vacancy__isnull=False),
                name="application_one_open_per_vacancy",
                violation_error_message=_("C'è già una candidatura aperta a questa offerta."),
            ),
            models.UniqueConstraint(
                fields=["person", "employer"],
                condition=Q(state__in=[s.value for s in OPEN_STATES], vacancy__isnull=True),
                name="application_one_open_spontaneous",
                violation_error_message=_(
                    "C'è già una candidatura spontanea aperta a questa impresa."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state__in=ApplicationState.values), name="application_state_valid"
            ),
        ]

    def __str__(self) -> str:
        target = self.vacancy.title if self.vacancy is not None else self.employer.name
        return f"{self.person.full_name} → {target}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_spontaneous(self) -> bool:
        return self.vacancy_id is None

    @property
    def target_name(self) -> str:
        if self.vacancy is not None:
            return str(self.vacancy.title)
        return str(_("Candidatura spontanea a %(name)s") % {"name": self.employer.name})


class ApplicationEvent(models.Model):
    """One move of the state machine (the first one is the submission). Never changed."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("candidatura")
    )
    state_before = models.CharField(
        _("stato precedente"), max_length=12, choices=ApplicationState.choices, blank=True
    )
    state_after = models.CharField(_("stato"), max_length=12, choices=ApplicationState.choices)
    actor = models.CharField(_("eseguito da"), max_length=10, choices=Actor.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utente"),
    )
    recorded_by_name = models.CharField(_("nome dell'utente"), max_length=150, blank=True)
    note = models.TextField(_("nota"), blank=True)
    at = models.DateTimeField(_("data e ora"), auto_now_add=True)

    class Meta:
        verbose_name = _("evento della candidatura")
        verbose_name_plural = _("eventi della candidatura")
        ordering = ["application", "at", "id"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_after_display()} ({self.at:%d/%m/%Y %H:%M})"


class ApplicationNotification(models.Model):
    """A message about an application event, as the office and the firm read it.

    (event, kind) is unique: a message is never written, hence never sent, twice. The outbox
    (notifications) sends it, one row per recipient; `outbox_messages` are those rows, whose
    statuses the pages show.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("candidatura"),
    )
    event = models.ForeignKey(
        ApplicationEvent,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("evento"),
    )
    kind = models.CharField(_("tipo di messaggio"), max_length=40)
    channel = models.CharField(_("canale"), max_length=10, default="email")
    recipients = ArrayField(models.EmailField(), verbose_name=_("destinatari"))
    subject = models.CharField(_("oggetto"), max_length=200)
    body = models.TextField(_("testo"))
    outbox_messages = models.ManyToManyField(
        "notifications.OutboxMessage",
        related_name="+",
        blank=True,
        verbose_name=_("messaggi in uscita"),
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("notifica della candidatura")
        verbose_name_plural = _("notifiche delle candidature")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="appnotif_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"
