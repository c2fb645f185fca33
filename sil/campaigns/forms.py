"""Operator forms of campaigns: the campaign, its texts, its capacities, the list upload."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sil.campaigns.defaults import LANGUAGES, PLACEHOLDERS
from sil.campaigns.models import BenefitProgramme, Campaign, TemplateStep
from sil.notifications.models import Channel

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
LANGUAGE_LABELS = {"it": _("italiano"), "en": _("inglese")}


def _channel_label(channel: str) -> str:
    return str(dict(Channel.choices).get(channel, channel))


class CampaignForm(forms.ModelForm):  # type: ignore[type-arg]
    channels = forms.MultipleChoiceField(
        label=_("Canali"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ogni persona riceve il messaggio su tutti i canali per cui ha un recapito."),
    )
    reminder_days = forms.CharField(
        label=_("Promemoria (giorni prima dell'appuntamento)"),
        required=False,
        help_text=_("Numeri separati da virgola, per esempio «3, 1». Vuoto: nessun promemoria."),
    )

    class Meta:
        model = Campaign
        fields = (
            "name",
            "slug",
            "programme",
            "starts_on",
            "deadline",
            "channels",
            "reminder_days",
            "appointment_minutes",
            "helpline",
            "sms_cost_cents",
        )
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "slug": _("Breve, senza spazi: serve al comando «sil campaigns import»."),
            "helpline": _("Compare in ogni messaggio: chi ha dubbi deve poter telefonare."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = BenefitProgramme.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["helpline"].required = True
        if self.instance.pk:
            self.initial["reminder_days"] = ", ".join(str(d) for d in self.instance.reminder_days)

    def _get_validation_exclusions(self) -> set[str]:
        # An empty list of reminders is a choice ("none"), not a missing value.
        return {*super()._get_validation_exclusions(), "reminder_days"}  # type: ignore[misc]

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline <= timezone.localdate():
            raise forms.ValidationError(_("Il termine deve essere nel futuro."), code="past")
        return deadline

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data.get("reminder_days") or ""
        days: list[int] = []
        for part in re.split(r"[,;\s]+", text.strip()):
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 30:
                raise forms.ValidationError(
                    _("Indicare numeri di giorni tra 1 e 30, separati da virgola."),
                    code="invalid",
                )
            days.append(int(part))
        return sorted(set(days), reverse=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, deadline = data.get("starts_on"), data.get("deadline")
        if starts and deadline and starts >= deadline:
            self.add_error("starts_on", _("Il primo giorno deve precedere il termine."))
        return data


def template_key(step: str, channel: str, language: str) -> str:
    return f"{step}__{channel}__{language}"


class TemplatesForm(forms.Form):
    """One subject (e-mail, App IO) and one body per step, channel and language."""

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        current = {(t.step, t.channel, t.language): t for t in campaign.templates.all()}
        self.groups: list[dict[str, Any]] = []
        for channel in campaign.channels:
            for step, step_label in TemplateStep.choices:
                for language in LANGUAGES:
                    key = template_key(step, channel, language)
                    template = current.get((step, channel, language))
                    label = _("%(step)s, %(channel)s, %(language)s") % {
                        "step": step_label,
                        "channel": _channel_label(channel),
                        "language": LANGUAGE_LABELS[language],
                    }
                    subject_name = body_name = ""
                    if channel != "sms":
                        subject_name = f"subject__{key}"
                        self.fields[subject_name] = forms.CharField(
                            label=_("Oggetto"),
                            required=False,
                            max_length=200,
                            initial=template.subject if template else "",
                        )
                    body_name = f"body__{key}"
                    self.fields[body_name] = forms.CharField(
                        label=_("Testo"),
                        required=language == "it" and step == TemplateStep.INVITATION,
                        widget=forms.Textarea(attrs={"rows": 3 if channel == "sms" else 6}),
                        initial=template.body if template else "",
                    )
                    self.groups.append(
                        {
                            "key": key,
                            "label": label,
                            "step": step,
                            "channel": channel,
                            "language": language,
                            "subject": self[subject_name] if subject_name else None,
                            "body": self[body_name],
                        }
                    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for group in self.groups:
            allowed = set(PLACEHOLDERS)
            for field in (group["subject"], group["body"]):
                if field is None:
                    continue
                unknown = [
                    name
                    for name in PLACEHOLDER.findall(data.get(field.name) or "")
                    if name not in allowed
                ]
                if unknown:
                    self.add_error(
                        field.name,
                        _("Segnaposto sconosciuto: %(names)s. Si possono usare: %(allowed)s.")
                        % {
                            "names": ", ".join("{" + n + "}" for n in unknown),
                            "allowed": " ".join("{" + n + "}" for n in PLACEHOLDERS),
                        },
                    )
        return data

    def texts(self) -> dict[tuple[str, str, str], tuple[str, str]]:
        result = {}
        for group in self.groups:
            subject = self.cleaned_data.get(group["subject"].name, "") if group["subject"] else ""
            body = self.cleaned_data.get(group["body"].name, "")
            result[(group["step"], group["channel"], group["language"])] = (subject, body)
        return result


class CapacityForm(forms.Form):
    """People per day for each office with people to convene (0: none)."""

    def __init__(
        self, *args: Any, offices: list[Any], initial_values: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offices = offices
        self.rows = []
        for office in offices:
            name = f"office_{office.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Persone al giorno presso %(office)s") % {"office": office.name},
                min_value=0,
                max_value=10_000,
                initial=initial_values.get(office.pk, 0),
            )
            self.rows.append((office, self[name]))

    def capacities(self) -> dict[int, int]:
        return {office.pk: self.cleaned_data[f"office_{office.pk}"] for office in self.offices}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File della lista (CSV o XLSX)"),
        help_text=_(
            "Colonne: codice_fiscale, cognome, nome, id_nucleo, telefono, email, "
            "comune_residenza, indirizzo, misura. CSV con «,» o «;», UTF-8 o Windows-1252."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Solo controllo, senza scrivere nulla"), required=False, initial=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Caricare un file CSV o XLSX."), code="extension")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Il file supera i 100 MB: dividerlo o usare il comando «sil campaigns import»."),
                code="too_big",
            )
        return upload
