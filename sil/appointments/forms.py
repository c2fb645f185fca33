"""Forms of the operator screens of appointments (Italian messages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sil.appointments.models import Calendar, SlotTemplate
from sil.territory.models import Office


class SlotsForm(forms.Form):
    """Mass creation of slots for an office, or one of its calendars, over a date range."""

    calendar = forms.ModelChoiceField(
        label=_("Agenda"),
        queryset=Calendar.objects.none(),
        required=False,
        empty_label=_("Tutte le agende dell'ufficio"),
    )
    date_from = forms.DateField(label=_("Dal"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Al"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["calendar"].queryset = Calendar.objects.filter(  # type: ignore[attr-defined]
            office=office, is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("La data finale precede quella iniziale."))
            elif end - start > dt.timedelta(days=366):
                self.add_error("date_to", _("Si possono creare slot per al massimo un anno."))
        return data


class SlotTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SlotTemplate
        fields = ["calendar", "weekday", "starts", "ends", "minutes", "mode"]
        widgets = {
            "starts": forms.TimeInput(attrs={"type": "time"}),
            "ends": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["calendar"].queryset = Calendar.objects.filter(  # type: ignore[attr-defined]
            office=office, is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and starts >= ends:
            self.add_error("ends", _("L'ora finale deve seguire quella iniziale."))
        return data
