"""Forms of the services pages. They only shape input: the actions run the model checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sil.dossier.forms import SectionForm
from sil.services.models import GolAssessment, Policy, PolicyEvent

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyForm(SectionForm):
    class Meta:
        model = Policy
        fields = [
            "activity_type",
            "title",
            "promoter_code",
            "promoter",
            "proposal_date",
            "start_date",
            "end_date",
            "policy_id",
        ]
        widgets = {
            "proposal_date": DATE_WIDGET,
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
        }

    def clean_activity_type(self) -> str:
        return str(self.cleaned_data.get("activity_type") or "").strip().upper()

    def clean_promoter_code(self) -> str:
        return str(self.cleaned_data.get("promoter_code") or "").strip().upper()

    def clean_policy_id(self) -> str:
        return "".join(str(self.cleaned_data.get("policy_id") or "").split()).upper()


class PolicyEventForm(SectionForm):
    class Meta:
        model = PolicyEvent
        fields = ["code", "date"]
        widgets = {"date": DATE_WIDGET}
        help_texts = {
            "date": _(
                "Deve coincidere con la data di proposta (01), di inizio (02) o di fine "
                "(05, 07, 08, 09, 10, 12, 14, 15) della politica."
            )
        }


class GolAssessmentForm(SectionForm):
    class Meta:
        model = GolAssessment
        fields = ["path", "decided_on", "override", "override_reason"]
        widgets = {
            "decided_on": DATE_WIDGET,
            "override_reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "override": _(
                "Da spuntare se il percorso scelto si discosta da quello indicato dalla "
                "profilazione: la decisione è dell'operatore (art. 22 GDPR)."
            )
        }
