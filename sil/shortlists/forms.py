"""Forms of the shortlist pages. They only shape input: the rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sil.shortlists.models import ContactChannel, EmployerFeedback, Outcome


class ActionForm(forms.Form):
    """Bootstrap Italia classes on every widget; the action's errors land on the form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    def add_action_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


def _note(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ContactForm(ActionForm):
    channel = forms.ChoiceField(
        label=_("Come è stato contattato"),
        choices=[("", "—"), *ContactChannel.choices],
    )
    consent = forms.BooleanField(
        label=_("Il candidato acconsente all'invio dei propri dati e del CV all'impresa"),
        required=False,
        help_text=_(
            "Senza consenso il candidato resta nella rosa ma non viene inviato all'impresa."
        ),
    )
    note = _note(_("Nota sul contatto"))


class SendForm(ActionForm):
    note = _note(_("Messaggio per l'impresa"))


class OutcomeForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Esito"), choices=[("", "—"), *Outcome.choices])
    note = _note(_("Nota sull'esito"))


class FeedbackForm(ActionForm):
    feedback = forms.ChoiceField(
        label=_("Riscontro"), choices=[("", "—"), *EmployerFeedback.choices]
    )
    note = _note(_("Nota per il Centro per l'Impiego"))


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cerca per nome o professione"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    archived = forms.BooleanField(
        label=_("Mostra i CV archiviati"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
