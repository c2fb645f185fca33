"""Forms of the Patto di servizio pages. They only shape input: the actions run the checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sil.core.forms import AccessibleFormMixin
from sil.dossier.forms import SectionForm
from sil.services.models import ServicePact

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PactForm(SectionForm):
    """The interview: what the person and the CPI agree (art. 20 D.Lgs. 150/2015)."""

    topic = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)

    class Meta:
        model = ServicePact
        fields = [
            "profiling_class",
            "gol_path",
            "job_search_actions",
            "meeting_frequency",
            "search_proof",
            "availability",
            "notes",
            "valid_from",
        ]
        widgets = {
            "valid_from": DATE_WIDGET,
            "job_search_actions": forms.Textarea(attrs={"rows": 4}),
            "search_proof": forms.Textarea(attrs={"rows": 3}),
            "availability": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "profiling_class": _("Dalla profilazione ricevuta; modificabile se superata."),
            "job_search_actions": _("Quali azioni, quante e entro quando."),
            "availability": _(
                "Laboratori di orientamento, formazione, altre misure attive e offerte congrue "
                "(art. 25 D.Lgs. 150/2015)."
            ),
        }

    def contents(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class _Form(AccessibleFormMixin, forms.Form):
    """Accessible attributes from the start and again after validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()


class OtpSendForm(_Form):
    channel = forms.ChoiceField(
        label=_("Dove inviare il codice"),
        widget=forms.RadioSelect,
        choices=[("sms", _("SMS al cellulare")), ("email", _("E-mail"))],
    )

    def __init__(self, *args: Any, phone: str = "", email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if phone:
            choices.append(("sms", _("SMS al cellulare %(phone)s") % {"phone": phone}))
        if email:
            choices.append(("email", _("E-mail a %(email)s") % {"email": email}))
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = choices
        if choices:
            self.fields["channel"].initial = choices[0][0]


class OtpConfirmForm(_Form):
    code = forms.CharField(
        label=_("Codice ricevuto dalla persona"),
        min_length=6,
        max_length=6,
        help_text=_("6 cifre, valido 10 minuti. La persona lo legge dal proprio telefono."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class ScanForm(_Form):
    scan = forms.FileField(
        label=_("Scansione del Patto firmato"),
        help_text=_("PDF, JPEG o PNG, al massimo 10 MB, con le firme della persona e del CPI."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
