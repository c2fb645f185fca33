"""Signals of appointments, sent inside the action's transaction.

appointment_changed(sender=Appointment, appointment=…, kind=…, previous=…, by_citizen=…)

kind is one of booked, confirmed, moved, cancelled, checked_in, done, missed. For "moved",
`appointment` is the new appointment and `previous` the old one (status moved). Receivers run in
the same transaction: what they write commits or rolls back with the change. Apps filter on
`appointment.topic` (e.g. "campaign:12"), so appointments never imports them.
"""

from django.dispatch import Signal

appointment_changed = Signal()
