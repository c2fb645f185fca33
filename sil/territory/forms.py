"""Forms of the office pages: the list's filters and the contacts editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from sil.territory.models import Office, OfficeKind, Province


class BootstrapItaliaMixin:
    """Bootstrap Italia classes on widgets; errors tied to inputs for screen readers."""

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                bound = self[name]  # type: ignore[index]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                described = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:  # type: ignore[attr-defined]
                    described.append(f"{bound.auto_id}_helptext")
                widget.attrs["aria-describedby"] = " ".join(described)
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class OfficeFilterForm(BootstrapItaliaMixin, forms.Form):
    q = forms.CharField(label=_("Cerca per nome o codice"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Tipo"), required=False, choices=[("", _("Tutti")), *OfficeKind.choices]
    )
    province = forms.ModelChoiceField(
        label=_("Provincia"),
        required=False,
        queryset=Province.objects.order_by("name"),
        empty_label=_("Tutte"),
        to_field_name="code",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["type"] = "search"
        self._style()


class OfficeContactsForm(BootstrapItaliaMixin, forms.ModelForm):
    class Meta:
        model = Office
        fields = ["address", "postal_code", "phone", "email", "pec", "opening_hours"]
        widgets = {"opening_hours": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "postal_code": _("Cinque cifre."),
            "opening_hours": _("Un orario per riga, es. «Lunedì–venerdì 9:00–12:30»."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].validators.append(
            RegexValidator(r"^\d{5}$", _("Il CAP è di cinque cifre."))
        )
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self._style()
