"""iCalendar (RFC 5545) for appointments: one event as an attachment, an operator's feed."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar as ICalendar
from icalendar import Event, Timezone

from sil.appointments.models import Appointment, AppointmentStatus, Calendar

PRODID = "-//OpenSIL//Appuntamenti//IT"


def _calendar(name: str = "") -> ICalendar:
    cal = ICalendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    return cal


@functools.lru_cache(maxsize=4)
def _timezone(tzid: str) -> Timezone:
    """The VTIMEZONE block (every transition from 1970 to 2038): milliseconds to build, so once."""
    return Timezone.from_tzid(tzid)


def _add_timezones(cal: ICalendar) -> None:
    """cal.add_missing_timezones() with the block built once per process (it never changes)."""
    for position, tzid in enumerate(sorted(cal.get_missing_tzids())):
        cal.subcomponents.insert(position, _timezone(tzid))


def _place(appointment: Appointment) -> str:
    office = appointment.office
    town = office.municipality.name if office.municipality_id else ""  # type: ignore[union-attr]
    parts = [office.name, office.address, " ".join(p for p in (office.postal_code, town) if p)]
    return ", ".join(p for p in parts if p)


def _event(appointment: Appointment, *, summary: str, description: str) -> Event:
    tz = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@opensil")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at.astimezone(tz))
    event.add("dtend", appointment.ends_at.astimezone(tz))
    event.add("summary", summary)
    event.add("location", _place(appointment))
    event.add("description", description)
    event.add("sequence", appointment.link_version)
    cancelled = appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.MOVED)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def appointment_ics(appointment: Appointment) -> bytes:
    """The appointment as a .ics attachment for the person (times in Europe/Rome)."""
    office = appointment.office
    lines = [appointment.purpose or _("Appuntamento al Centro per l'Impiego")]
    if office.phone:
        lines.append(
            _("Per informazioni o per spostare l'appuntamento: %(phone)s") % {"phone": office.phone}
        )
    lines.append(_("Porta un documento d'identità e la tessera sanitaria."))
    cal = _calendar()
    cal.add("method", "PUBLISH")
    cal.add_component(
        _event(
            appointment,
            summary=_("Appuntamento: %(office)s") % {"office": office.name},
            description="\n".join(lines),
        )
    )
    _add_timezones(cal)
    return bytes(cal.to_ical())


def feed_ics(calendar: Calendar, appointments: Iterable[Appointment]) -> bytes:
    """An operator's agenda as a subscribable feed.

    The feed URL is a bearer secret, so events carry no names: the person's initials, the
    purpose and the appointment number; details are in OpenSIL behind sign-in.
    """
    cal = _calendar(calendar.name)
    for appointment in appointments:
        person = appointment.person
        initials = f"{person.first_name[:1]}. {person.last_name[:1]}."
        cal.add_component(
            _event(
                appointment,
                summary=f"{initials} – {appointment.purpose or _('Appuntamento')}",
                description=_("Appuntamento n. %(id)d") % {"id": appointment.pk},
            )
        )
    _add_timezones(cal)
    return bytes(cal.to_ical())


def feed_window() -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    return now - dt.timedelta(days=30), now + dt.timedelta(days=180)
