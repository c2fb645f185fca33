"""The citizen's personal link to an appointment: signed, salted, expiring when it starts.

The token carries the appointment id and its link_version; moving or cancelling bumps the
version, so an old link stops working. No login is needed: whoever holds the link (sent to the
person's own phone or e-mail) may confirm, move within the same office, or cancel.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from sil.appointments.models import Appointment

SALT = "sil.appointments.citizen-link"


class LinkInvalid(Exception):
    """Tampered, unknown, or superseded (the appointment was moved or cancelled)."""


class LinkExpired(Exception):
    """The appointment has started or passed."""

    def __init__(self, appointment: Appointment) -> None:
        super().__init__("expired")
        self.appointment = appointment


def make_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "v": appointment.link_version}, salt=SALT)


def citizen_url(appointment: Appointment) -> str:
    """Absolute path of the person's page for this appointment (prefix the site's origin)."""
    return reverse("appointment_link:show", kwargs={"token": make_token(appointment)})


def load(token: str, *, for_update: bool = False) -> Appointment:
    """The appointment the token points to, or LinkInvalid / LinkExpired."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, version = int(data["a"]), int(data["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkInvalid from error
    queryset = Appointment.objects.select_related("office", "office__municipality", "person")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    appointment = queryset.filter(pk=pk).first()
    if appointment is None or appointment.link_version != version:
        raise LinkInvalid
    if appointment.starts_at <= timezone.now():
        raise LinkExpired(appointment)
    return appointment
