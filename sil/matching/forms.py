"""Filters of the ranked-candidates page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sil.matching.queries import DEFAULT_MAX_KM
from sil.territory.models import Office, OfficeKind


class CandidateFilterForm(forms.Form):
    max_km = forms.IntegerField(
        label=_("Distanza massima (km)"),
        min_value=1,
        max_value=300,
        initial=DEFAULT_MAX_KM,
        required=False,
    )
    min_score = forms.IntegerField(
        label=_("Punteggio minimo"), min_value=0, max_value=100, required=False
    )
    office = forms.ModelChoiceField(
        label=_("CPI competente"),
        queryset=Office.objects.filter(kind=OfficeKind.CPI, is_active=True).order_by("name"),
        required=False,
        empty_label=_("Tutti i CPI"),
    )
    require_licences = forms.BooleanField(label=_("Solo con le patenti richieste"), required=False)
    require_languages = forms.BooleanField(
        label=_("Solo con le lingue al livello richiesto"), required=False
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        office = data.get("office")
        return {
            "max_km": data.get("max_km") or DEFAULT_MAX_KM,
            "min_score": data.get("min_score") or 0,
            "office_ids": [office.pk] if office else [],
            "require_licences": bool(data.get("require_licences")),
            "require_languages": bool(data.get("require_languages")),
        }
