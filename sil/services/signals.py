"""Signals of services that higher apps listen to (services never imports them)."""

from django.dispatch import Signal

# Sent inside the signing transaction with `pact` (a ServicePact just signed). A receiver's
# change commits or rolls back with the signature. Campaigns read `pact.topic` ("campaign:<id>").
pact_signed = Signal()
