"""Operator calendars, opening hours, closures, slots and appointments.

A slot is one operator's time (one person each); an appointment books a person into it. The
database refuses double bookings on its own: at most one live appointment per slot (partial
unique constraint), no overlapping slots in one calendar and no overlapping live appointments
for one person (exclusion constraints on time ranges). Actions lock rows as well, so a clash
becomes a clear message rather than an integrity error.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sil.core.db import TsTzRange
from sil.people.models import Person
from sil.territory.models import Office


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("in presenza")
    REMOTE = "remote", _("a distanza")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lunedì")
    TUESDAY = 1, _("martedì")
    WEDNESDAY = 2, _("mercoledì")
    THURSDAY = 3, _("giovedì")
    FRIDAY = 4, _("venerdì")
    SATURDAY = 5, _("sabato")
    SUNDAY = 6, _("domenica")


class Calendar(models.Model):
    """One operator's agenda at one office (or a shared desk agenda when operator is empty)."""

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="calendars", verbose_name=_("ufficio")
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendars",
        verbose_name=_("operatore"),
    )
    name = models.CharField(_("nome"), max_length=120)
    is_active = models.BooleanField(_("attiva"), default=True)
    # Secret part of the operator's iCalendar feed URL; rotating it revokes old subscriptions.
    feed_token = models.CharField(_("codice del feed"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    class Meta:
        ordering = ["office", "name"]
        verbose_name = _("agenda")
        verbose_name_plural = _("agende")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "operator"],
                condition=Q(operator__isnull=False),
                name="calendar_one_per_operator_office",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="weekly_hours", verbose_name=_("ufficio")
    )
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens = models.TimeField(_("apre alle"))
    closes = models.TimeField(_("chiude alle"))

    class Meta:
        ordering = ["office", "weekday", "opens"]
        verbose_name = _("orario di apertura")
        verbose_name_plural = _("orari di apertura")
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.weekday} {self.opens}–{self.closes}"


class Closure(models.Model):
    """A day an office (or, with no office, every office) is closed beyond public holidays."""

    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("ufficio"),
    )
    date = models.DateField(_("data"))
    reason = models.CharField(_("motivo"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date"], name="closure_once", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class SlotTemplate(models.Model):
    """A weekly pattern used to create slots in bulk: e.g. Tuesdays 9:00–12:30, 30 minutes."""

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="templates", verbose_name=_("agenda")
    )
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    starts = models.TimeField(_("dalle"))
    ends = models.TimeField(_("alle"))
    minutes = models.PositiveSmallIntegerField(_("durata in minuti"), default=30)
    mode = models.CharField(_("modalità"), max_length=10, choices=Mode.choices, default="in_person")

    class Meta:
        ordering = ["calendar", "weekday", "starts"]
        verbose_name = _("modello di disponibilità")
        verbose_name_plural = _("modelli di disponibilità")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")), name="slot_template_order"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=240), name="slot_template_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} {self.weekday} {self.starts}–{self.ends}"


class SlotQuerySet(models.QuerySet["Slot"]):
    def free(self) -> SlotQuerySet:
        return self.filter(is_blocked=False).exclude(appointments__status__in=LIVE_STATUSES)


class Slot(models.Model):
    calendar = models.ForeignKey(
        Calendar, on_delete=models.PROTECT, related_name="slots", verbose_name=_("agenda")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="slots", verbose_name=_("ufficio")
    )
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    mode = models.CharField(_("modalità"), max_length=10, choices=Mode.choices, default="in_person")
    is_blocked = models.BooleanField(_("bloccato"), default=False)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "calendar"]
        verbose_name = _("slot")
        verbose_name_plural = _("slot")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="slot_order"
            ),
            ExclusionConstraint(
                name="slot_no_overlap",
                expressions=[
                    ("calendar", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        indexes = [models.Index(fields=["office", "starts_at"], name="slot_office_start")]

    def __str__(self) -> str:
        return f"{self.calendar} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("fissato")
    CONFIRMED = "confirmed", _("confermato")
    CHECKED_IN = "checked_in", _("presente in sede")
    DONE = "done", _("svolto")
    MISSED = "missed", _("non presentato")
    MOVED = "moved", _("spostato")
    CANCELLED = "cancelled", _("annullato")


# The statuses that hold a slot.
LIVE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.DONE,
    AppointmentStatus.MISSED,
)
LIVE_Q = Q(status__in=[str(s) for s in LIVE_STATUSES])


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def live(self) -> AppointmentQuerySet:
        return self.filter(LIVE_Q)


class Appointment(models.Model):
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("persona")
    )
    # Copied from the slot so that day lists and overlap checks need no join.
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("ufficio")
    )
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    status = models.CharField(
        _("stato"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    # Who asked for it, e.g. "campaign:12"; apps listen to changes on their own topics.
    topic = models.CharField(_("motivo"), max_length=60, blank=True)
    purpose = models.CharField(_("oggetto"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    moved_to = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_from",
        verbose_name=_("spostato a"),
    )
    # Bumped when the citizen's link must stop working (moved, cancelled).
    link_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("arrivato il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    cancel_reason = models.CharField(_("motivo dell'annullamento"), max_length=200, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=LIVE_Q, name="appointment_one_per_slot"
            ),
            ExclusionConstraint(
                name="appointment_person_no_overlap",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=LIVE_Q,
            ),
        ]
        indexes = [
            models.Index(fields=["office", "starts_at"], name="appointment_office_day"),
            models.Index(fields=["topic"], name="appointment_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentEvent(models.Model):
    """Append-only log: booked, confirmed, moved, cancelled, checked in … and by whom."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("evento"), max_length=30)
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_citizen = models.BooleanField(_("dal cittadino"), default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento dell'appuntamento")
        verbose_name_plural = _("eventi dell'appuntamento")

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind}"
