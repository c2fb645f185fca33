"""Filters of the operators' message list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sil.core.forms import AccessibleFormMixin
from sil.notifications.models import Channel, MessageStatus


class MessageFilterForm(AccessibleFormMixin, forms.Form):
    topic = forms.CharField(
        label=_("Argomento"),
        required=False,
        max_length=60,
        help_text=_("Ad esempio campaign:12; vale anche l'inizio."),
    )
    channel = forms.ChoiceField(
        label=_("Canale"), required=False, choices=[("", _("Tutti")), *Channel.choices]
    )
    status = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti")), *MessageStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()
