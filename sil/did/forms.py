"""Forms of the DID pages. They only shape input: the rules live in the actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sil.did.models import DidChannel, IncomeKind, LapseReason

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # dev-only package: typing only

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_INPUT, input_formats=DATE_FORMATS)


def _note(required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=_("Nota"), required=required, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionForm(forms.Form):
    """Adds the field errors of a DidTransitionError to the form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def add_action_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class DeclareForm(ActionForm):
    did_date = _date(_("Data della DID"))
    channel = forms.ChoiceField(
        label=_("Canale"), choices=DidChannel.choices, initial=DidChannel.CPI
    )
    national_id = forms.CharField(
        label=_("Identificativo DID (NCN)"), required=False, max_length=40
    )
    note = _note()


class SuspendForm(ActionForm):
    start_date = _date(_("Data di inizio del rapporto di lavoro"))
    income_kind = forms.ChoiceField(
        label=_("Tipo di lavoro"), choices=IncomeKind.choices, initial=IncomeKind.EMPLOYEE
    )
    projected_annual_income = forms.DecimalField(
        label=_("Reddito annuo previsto (EUR)"), min_value=0, max_digits=12, decimal_places=2
    )
    source_reference = forms.CharField(
        label=_("Codice della comunicazione obbligatoria"), required=False, max_length=60
    )
    note = _note()


class ResumeForm(ActionForm):
    end_date = _date(_("Ultimo giorno del rapporto di lavoro"))
    source_reference = forms.CharField(
        label=_("Codice della comunicazione obbligatoria"), required=False, max_length=60
    )
    note = _note()


class LapseForm(ActionForm):
    effective_date = _date(_("Data di decadenza"))
    reason = forms.ChoiceField(label=_("Motivo"), choices=LapseReason.choices)
    note = _note()


class RevokeForm(ActionForm):
    effective_date = _date(_("Data di revoca"))
    note = _note()
