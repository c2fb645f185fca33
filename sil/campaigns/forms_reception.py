"""Forms of the reception desk: the day list filter and the outcome of a convocation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sil.campaigns.models import Outcome

# Outcomes that must say why (the justification, the exemption, the competent office).
NOTE_REQUIRED = frozenset({Outcome.ASS_GIUST, Outcome.ESONERO, Outcome.TRASF})


class DayForm(forms.Form):
    office = forms.TypedChoiceField(label=_("CPI"), coerce=int, choices=())
    day = forms.DateField(
        label=_("Giorno"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, offices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = offices  # type: ignore[attr-defined]
        self.fields["day"].initial = timezone.localdate()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Esito"), choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obbligatorie per assenza giustificata (il motivo), esonero e CPI non competente."
        ),
    )

    def __init__(self, *args: Any, offered: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page offers only what may be recorded now; a forged choice still reaches the
        # action, which refuses it with its own message.
        self.limited = offered is not None and len(offered) < len(Outcome.values)
        if offered is not None:
            allowed = set(offered)
            self.fields["outcome"].widget.choices = [
                (value, label) for value, label in Outcome.choices if value in allowed
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") in NOTE_REQUIRED and not (data.get("note") or "").strip():
            self.add_error("note", _("Per questo esito indicare il motivo nelle note."))
        return data
