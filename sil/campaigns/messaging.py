"""The messages of a campaign: invitation, reminders, moved and cancelled appointments.

Each message goes to the notifications outbox under a business key (person, topic, step,
channel) so that writing it twice is a no-op:

    invitation-<attempt>             one per convocation attempt
    reminder-<days>d-a<appointment>  one per reminder offset and appointment
    moved-a<appointment>             the new appointment after a move
    cancelled-a<appointment>         an appointment cancelled by the office

Channels per convocation: SMS when a phone is known, e-mail when an address is known, App IO
(keyed by codice fiscale) whenever the campaign uses it. Texts come from the campaign's
MessageTemplate rows with {placeholders}; Italian unless English is asked for explicitly (the
registry holds no language preference). E-mails carry the appointment as an .ics attachment.
Rendering is plain Python over chunks of convocations, one outbox write per chunk, so that a
whole Region's list is enqueued in well under a minute.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.appointments.models import Appointment
from sil.campaigns.defaults import default_text
from sil.campaigns.models import (
    Campaign,
    Convocation,
    ConvocationState,
    MessageTemplate,
    TemplateStep,
)

if TYPE_CHECKING:
    from sil.notifications.actions import MessageSpec

ROME = ZoneInfo("Europe/Rome")
# Reminders leave at this local hour, N days before the appointment.
REMINDER_HOUR = dt.time(9, 0)
CHUNK = 5000
# Steps whose e-mails carry the appointment as an iCalendar attachment.
ICS_STEPS = frozenset({TemplateStep.INVITATION, TemplateStep.MOVED})
PLACEHOLDER_NAMES = ("nome", "cognome", "data", "ora", "sede", "indirizzo", "link", "telefono")

# Convocations that have an appointment and still wait for their first invitation.
INVITABLE_STATES = (ConvocationState.TO_ASSIGN, ConvocationState.ASSIGNED)

_WEEKDAYS = {
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


@functools.lru_cache(maxsize=256)
def _format_string(text: str) -> str:
    """The template as a str.format string: known {placeholders} kept, other braces escaped."""
    escaped = text.replace("{", "{{").replace("}", "}}")
    for name in PLACEHOLDER_NAMES:
        escaped = escaped.replace("{{" + name + "}}", "{" + name + "}")
    return escaped


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(text: str, context: dict[str, str]) -> str:
    """Replace the known {placeholders} (a missing value is empty); other braces stay."""
    values = context if isinstance(context, _Values) else _Values(context)
    return _format_string(text).format_map(values)


def format_day(day: dt.date, language: str = "it") -> str:
    """E.g. "martedì 12 gennaio 2027" (e-mail, App IO); SMS use the short 12/01/2027."""
    names = _WEEKDAYS.get(language, _WEEKDAYS["it"])
    months = _MONTHS.get(language, _MONTHS["it"])
    return f"{names[day.weekday()]} {day.day} {months[day.month - 1]} {day.year}"


def office_address(office: Any) -> str:
    parts = [office.address]
    municipality = getattr(office, "municipality", None)
    place = " ".join(p for p in (office.postal_code, getattr(municipality, "name", "")) if p)
    parts.append(place)
    return ", ".join(p for p in parts if p)


def citizen_link(appointment: Appointment) -> str:
    """The person's signed link, absolute (SIL_SITE_URL): it travels by SMS and e-mail."""
    from sil.appointments.links import citizen_url

    return settings.SITE_URL.rstrip("/") + str(citizen_url(appointment))


class LinkMaker:
    """citizen_link for many appointments: the URL is resolved once, only the token changes."""

    def __init__(self) -> None:
        from sil.appointments.links import citizen_url, make_token

        probe = Appointment(pk=0, link_version=0)
        self._make_token = make_token
        self._token = make_token(probe)
        self._url = citizen_url(probe)
        self._prefix = settings.SITE_URL.rstrip("/")

    def __call__(self, appointment: Appointment) -> str:
        if self._url.count(self._token) != 1:  # the token is not a plain path segment
            return citizen_link(appointment)
        return self._prefix + self._url.replace(self._token, self._make_token(appointment))


@functools.lru_cache(maxsize=4096)
def _when(starts_at: dt.datetime, language: str) -> tuple[str, str, str]:
    """Short date, long date and hour in Rome: a campaign has a few thousand distinct times."""
    local = timezone.localtime(starts_at, ROME)
    return local.strftime("%d/%m/%Y"), format_day(local.date(), language), local.strftime("%H:%M")


def context_for(
    convocation: Convocation,
    appointment: Appointment,
    *,
    language: str = "it",
    link: str | None = None,
    links: Callable[[Appointment], str] = citizen_link,
) -> dict[str, str]:
    """The values of the placeholders for one convocation and its appointment."""
    person = convocation.person
    office = appointment.office
    day, long_day, hour = _when(appointment.starts_at, language)
    helpline = convocation.campaign.helpline or office.phone
    return _Values(
        {
            "nome": person.first_name,
            "cognome": person.last_name,
            "data": day,
            "data_lunga": long_day,
            "ora": hour,
            "sede": office.name,
            "indirizzo": office_address(office),
            "link": links(appointment) if link is None else link,
            "telefono": helpline,
        }
    )


class Templates:
    """The campaign's templates, loaded once: (step, channel) → (subject, body)."""

    def __init__(self, campaign: Campaign, language: str = "it") -> None:
        self.language = language if language in ("it", "en") else "it"
        self._rows: dict[tuple[str, str, str], tuple[str, str]] = {
            (t.step, t.channel, t.language): (t.subject, t.body)
            for t in MessageTemplate.objects.filter(campaign=campaign)
        }

    def get(self, step: str, channel: str) -> tuple[str, str]:
        for language in dict.fromkeys((self.language, "it")):
            found = self._rows.get((step, channel, language))
            if found is not None:
                return found
        # A missing template never silences a convocation: the default text goes instead.
        return default_text(step, channel, self.language)


def channels_for(campaign: Campaign, convocation: Convocation) -> list[tuple[str, str]]:
    """(channel, recipient) pairs this convocation can be reached on, in campaign order."""
    person = convocation.person
    phone = (convocation.phone or person.phone or "").strip()
    email = (convocation.email or person.email or "").strip()
    pairs: list[tuple[str, str]] = []
    for channel in campaign.channels:
        if channel == "sms" and phone:
            pairs.append(("sms", phone))
        elif channel == "email" and email:
            pairs.append(("email", email))
        elif channel == "appio":
            pairs.append(("appio", person.fiscal_code))
    return pairs


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    start = 0
    while start < len(data):
        end = min(start + (75 if not parts else 74), len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start = end
    return "\r\n ".join(parts)


def appointment_ics(appointment: Appointment, *, now: dt.datetime | None = None) -> bytes:
    """The appointment as a one-event iCalendar file for the person's e-mail.

    Times in UTC, so no time-zone block is needed: the appointments app's generator (feeds,
    the citizen's page) builds a full VTIMEZONE, several milliseconds a file, too slow for a
    whole Region's invitations. Same UID as there, so calendars treat them as one event.
    """
    office = appointment.office
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    description = appointment.purpose or _("Appuntamento al Centro per l'Impiego")
    if office.phone:
        description += "\n" + _("Per informazioni o per spostare l'appuntamento: %(phone)s") % {
            "phone": office.phone
        }
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//OpenSIL//Convocazioni//IT",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@opensil",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{appointment.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        f"DTEND:{appointment.ends_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        f"SEQUENCE:{appointment.link_version}",
        "SUMMARY:" + _ics_text(_("Appuntamento: %(office)s") % {"office": office.name}),
        "LOCATION:" + _ics_text(", ".join(p for p in (office.name, office_address(office)) if p)),
        "DESCRIPTION:" + _ics_text(description),
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_ics_fold(line) for line in lines) + "\r\n").encode("utf-8")


def ics_attachment(appointment: Appointment) -> dict[str, str]:
    return {
        "filename": "appuntamento.ics",
        "mimetype": "text/calendar",
        "content_b64": base64.b64encode(appointment_ics(appointment)).decode("ascii"),
    }


def reminder_send_after(appointment: Appointment, days: int) -> dt.datetime:
    day = timezone.localtime(appointment.starts_at, ROME).date() - dt.timedelta(days=days)
    return dt.datetime.combine(day, REMINDER_HOUR, tzinfo=ROME)


@dataclass
class Composer:
    """Builds the outbox specs of one campaign's messages."""

    campaign: Campaign
    templates: Templates
    now: dt.datetime
    attach_ics: bool = True
    links: Callable[[Appointment], str] = citizen_link

    @classmethod
    def for_campaign(cls, campaign: Campaign, *, language: str = "it") -> Composer:
        return cls(campaign, Templates(campaign, language), timezone.now())

    @property
    def language(self) -> str:
        return self.templates.language

    def _specs(
        self,
        convocation: Convocation,
        appointment: Appointment,
        template_step: str,
        step: str,
        *,
        send_after: dt.datetime,
        not_after: dt.datetime | None,
        context: dict[str, str],
    ) -> list[MessageSpec]:
        from sil.notifications.actions import MessageSpec

        specs = []
        attachment: dict[str, str] | None = None
        long_context = _Values(context, data=context["data_lunga"])
        for channel, recipient in channels_for(self.campaign, convocation):
            subject, body = self.templates.get(template_step, channel)
            values = context if channel == "sms" else long_context
            attachments: tuple[dict[str, str], ...] = ()
            if channel == "email" and self.attach_ics and template_step in ICS_STEPS:
                attachment = attachment or ics_attachment(appointment)
                attachments = (attachment,)
            specs.append(
                MessageSpec(
                    person_id=convocation.person_id,
                    topic=self.campaign.topic,
                    step=step,
                    channel=channel,
                    recipient=recipient,
                    subject=render(subject, values),
                    body=render(body, values),
                    language=self.language,
                    send_after=send_after,
                    not_after=not_after,
                    attachments=attachments,
                )
            )
        return specs

    def _now_until_start(
        self,
        convocation: Convocation,
        appointment: Appointment,
        step: TemplateStep,
        key: str,
        context: dict[str, str],
    ) -> list[MessageSpec]:
        """A message sent at once and useless once the appointment has started."""
        if appointment.starts_at <= self.now:
            return []
        return self._specs(
            convocation,
            appointment,
            step,
            key,
            send_after=self.now,
            not_after=appointment.starts_at,
            context=context,
        )

    def invitation(
        self, convocation: Convocation, appointment: Appointment, context: dict[str, str]
    ) -> list[MessageSpec]:
        key = f"invitation-{convocation.attempt}"
        return self._now_until_start(
            convocation, appointment, TemplateStep.INVITATION, key, context
        )

    def moved(
        self, convocation: Convocation, appointment: Appointment, context: dict[str, str]
    ) -> list[MessageSpec]:
        key = f"moved-a{appointment.pk}"
        return self._now_until_start(convocation, appointment, TemplateStep.MOVED, key, context)

    def cancelled(
        self, convocation: Convocation, appointment: Appointment, context: dict[str, str]
    ) -> list[MessageSpec]:
        key = f"cancelled-a{appointment.pk}"
        return self._now_until_start(convocation, appointment, TemplateStep.CANCELLED, key, context)

    def reminders(
        self, convocation: Convocation, appointment: Appointment, context: dict[str, str]
    ) -> list[MessageSpec]:
        """One reminder per offset still in the future; each expires when the appointment starts."""
        specs: list[MessageSpec] = []
        for days in sorted(set(self.campaign.reminder_days), reverse=True):
            send_after = reminder_send_after(appointment, days)
            if send_after <= self.now or send_after >= appointment.starts_at:
                continue
            specs += self._specs(
                convocation,
                appointment,
                TemplateStep.REMINDER,
                f"reminder-{days}d-a{appointment.pk}",
                send_after=send_after,
                not_after=appointment.starts_at,
                context=context,
            )
        return specs

    def context(self, convocation: Convocation, appointment: Appointment) -> dict[str, str]:
        return context_for(convocation, appointment, language=self.language, links=self.links)


# progress(done, total), called after each chunk (the protocol of scheduling too).
Progress = Callable[[int, int], Any]


def _invitable(campaign: Campaign) -> Any:
    return Convocation.objects.filter(
        campaign=campaign, state__in=INVITABLE_STATES, appointment__isnull=False
    )


# What rendering needs, and nothing more, in one streamed query: model instances for 127,000
# convocations, people and appointments would cost more than the rendering itself.
_ROWS = """
SELECT c.id, c.person_id, c.attempt, c.phone, c.email,
       p.first_name, p.last_name, p.fiscal_code, p.phone, p.email,
       a.id, a.office_id, a.starts_at, a.ends_at, a.status, a.purpose, a.link_version
  FROM campaigns_convocation c
  JOIN people_person p ON p.id = c.person_id
  JOIN appointments_appointment a ON a.id = c.appointment_id
 WHERE c.campaign_id = %(campaign)s AND c.state = ANY(%(states)s)
"""


@dataclass(slots=True)
class _Person:
    first_name: str
    last_name: str
    fiscal_code: str
    phone: str
    email: str


@dataclass(slots=True)
class _Appointment:
    """The fields of an Appointment the messages use (duck-typed for Composer and links)."""

    pk: int
    office_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    purpose: str
    link_version: int
    office: Any = None


@dataclass(slots=True)
class _Convocation:
    pk: int
    person_id: int
    attempt: int
    phone: str
    email: str
    person: _Person
    appointment: _Appointment
    campaign: Any = None


def _chunks(campaign: Campaign, ids: Sequence[int] | None) -> Iterable[list[Convocation]]:
    """The invitable convocations in id order, CHUNK at a time, through a server-side cursor
    (its snapshot is taken once, so the updates of earlier chunks do not disturb it)."""
    from sil.territory.models import Office

    offices: dict[int, Office] = {}
    sql = _ROWS
    params: dict[str, Any] = {
        "campaign": campaign.pk,
        "states": [str(s) for s in INVITABLE_STATES],
    }
    if ids is not None:
        sql += " AND c.id = ANY(%(ids)s::bigint[])"
        params["ids"] = list(ids)
    with connection.cursor() as cursor:
        # Scheduling has just rewritten these rows: plan on fresh statistics, and for the whole
        # result (a cursor is otherwise planned for its first 10 %: nested loops).
        if ids is None:
            cursor.execute("ANALYZE campaigns_convocation, appointments_appointment")
        cursor.execute("SELECT current_setting('cursor_tuple_fraction')")
        fraction = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('cursor_tuple_fraction', '1', true)")
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql + " ORDER BY c.id", params)
        with connection.cursor() as setting:
            setting.execute("SELECT set_config('cursor_tuple_fraction', %s, true)", [fraction])
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                return
            chunk = [
                _Convocation(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    _Person(r[5], r[6], r[7], r[8], r[9]),
                    _Appointment(r[10], r[11], r[12], r[13], r[14], r[15], r[16]),
                    campaign,
                )
                for r in rows
            ]
            missing = {c.appointment.office_id for c in chunk} - set(offices)
            if missing:
                offices.update(Office.objects.select_related("municipality").in_bulk(missing))
            for convocation in chunk:
                convocation.appointment.office = offices[convocation.appointment.office_id]
            yield cast(list[Convocation], chunk)


_MARK_INVITED = """
WITH upd AS (
    UPDATE campaigns_convocation
       SET state = 'invited', invited_at = %(now)s, updated_at = %(now)s
     WHERE id = ANY(%(ids)s)
    RETURNING id, attempt, appointment_id
)
INSERT INTO campaigns_convocationevent (convocation_id, kind, at, by_id, data)
SELECT id, 'invited', %(now)s, %(by)s,
       jsonb_build_object('attempt', attempt, 'appointment', appointment_id)
  FROM upd
"""


def _mark_invited(ids: list[int], now: dt.datetime, by_id: int | None) -> None:
    """Convocations → invited, with their events, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_MARK_INVITED, {"ids": ids, "now": now, "by": by_id})


def enqueue_invitations(
    campaign: Campaign,
    *,
    language: str = "it",
    progress: Progress | None = None,
    ids: Sequence[int] | None = None,
    by: Any = None,
) -> int:
    """Invite every scheduled convocation not yet invited; returns the messages written.

    Invitation and reminders go to the outbox in one write per chunk, and the convocations
    become "invited" in the same transaction. Running it again writes nothing twice.
    """
    from sil.notifications.actions import do_enqueue

    composer = Composer.for_campaign(campaign, language=language)
    composer.links = LinkMaker()
    total = _invitable(campaign).count() if ids is None else len(ids)
    written = done = 0
    by_id = getattr(by, "pk", None)
    with transaction.atomic():
        for chunk in _chunks(campaign, ids):
            specs: list[MessageSpec] = []
            for convocation in chunk:
                appointment = convocation.appointment
                assert appointment is not None  # joined in _ROWS
                context = composer.context(convocation, appointment)
                specs += composer.invitation(convocation, appointment, context)
                specs += composer.reminders(convocation, appointment, context)
            written += do_enqueue(specs)
            _mark_invited([c.pk for c in chunk], composer.now, by_id)
            done += len(chunk)
            if progress:
                progress(done, total)
    return written


def enqueue_for_appointment(
    convocation: Convocation,
    appointment: Appointment,
    *,
    kinds: Sequence[str] = ("invitation", "reminders"),
) -> int:
    """Messages of one convocation (a move, a cancellation, a new attempt); inside the caller's
    transaction. `kinds` among invitation, moved, cancelled, reminders."""
    from sil.notifications.actions import do_enqueue

    composer = Composer.for_campaign(convocation.campaign)
    context = composer.context(convocation, appointment)
    specs: list[MessageSpec] = []
    for kind in kinds:
        method = getattr(composer, kind)
        specs += method(convocation, appointment, context)
    return do_enqueue(specs) if specs else 0


def cancel_reminders(convocation: Convocation) -> int:
    """Withdraw the pending reminders of this convocation (every appointment of the person)."""
    from sil.notifications.actions import do_cancel

    return do_cancel(
        convocation.campaign.topic, person_id=convocation.person_id, step_prefix="reminder-"
    )
