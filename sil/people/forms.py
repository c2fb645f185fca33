"""Forms of the people pages. They only shape input: the checks live in the actions."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sil.core import fiscal_code as cf
from sil.core.forms import AccessibleFormMixin
from sil.people.actions import validate_fiscal_code
from sil.people.models import ConsentKind, FiscalCodeChangeReason, Sex
from sil.territory.models import Municipality, Office

_NAME_WITH_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)$")


class MunicipalityField(forms.Field):
    """A current municipality typed as "Name (PR)", ISTAT code or cadastral code.

    A text field rather than a select of ~7,900 options; ambiguous names ask for the province.
    """

    default_error_messages = {
        "unknown": _("Comune non trovato: «%(value)s»."),
        "ambiguous": _(
            "Più comuni si chiamano «%(value)s»: indicare la provincia, ad esempio %(example)s."
        ),
    }

    widget = forms.TextInput(attrs={"maxlength": "200", "autocomplete": "off"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", _("Ad esempio «Napoli (NA)», oppure il codice ISTAT o catastale.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Municipality):
            return str(value)
        return value

    def to_python(self, value: Any) -> Municipality | None:  # type: ignore[override]
        if isinstance(value, Municipality):
            return value
        text = " ".join(str(value or "").split())
        if not text:
            return None
        current = Municipality.objects.current()
        matches: QuerySet[Municipality]
        if text.isdigit():
            matches = current.filter(istat_code=text.zfill(6))
        elif re.fullmatch(r"[A-Za-z]\d{3}", text):
            matches = current.filter(cadastral_code=text.upper())
        elif found := _NAME_WITH_PROVINCE.match(text):
            matches = current.filter(
                name__iexact=found["name"], province_code=found["province"].upper()
            )
        else:
            matches = current.filter(name__iexact=text)
        results = list(matches[:2])
        if not results:
            raise ValidationError(self.error_messages["unknown"], "unknown", {"value": text})
        if len(results) > 1:
            raise ValidationError(
                self.error_messages["ambiguous"],
                "ambiguous",
                {"value": text, "example": str(results[0])},
            )
        return results[0]


class PersonForm(AccessibleFormMixin, forms.Form):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        help_text=_("16 caratteri, oppure 11 cifre per il codice provvisorio."),
    )
    last_name = forms.CharField(label=_("Cognome"), max_length=100)
    first_name = forms.CharField(label=_("Nome"), max_length=100)
    sex = forms.ChoiceField(
        label=_("Sesso"),
        choices=[("", _("Dal codice fiscale")), *Sex.choices],
        required=False,
        help_text=_("Se non indicato si ricava dal codice fiscale."),
    )
    birth_date = forms.DateField(
        label=_("Data di nascita"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Se non indicata si ricava dal codice fiscale."),
    )
    citizenship = forms.CharField(
        label=_("Cittadinanza"),
        max_length=3,
        required=False,
        help_text=_("Codice ISO dello stato, ad esempio IT."),
    )
    residence_municipality = MunicipalityField(label=_("Comune di residenza"))
    residence_address = forms.CharField(
        label=_("Indirizzo di residenza"), max_length=200, required=False
    )
    domicile_municipality = MunicipalityField(
        label=_("Comune di domicilio"),
        required=False,
        help_text=_("Solo se diverso dalla residenza: decide il CPI competente."),
    )
    domicile_address = forms.CharField(
        label=_("Indirizzo di domicilio"), max_length=200, required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Telefono"),
        max_length=40,
        required=False,
        help_text=_("Con il prefisso internazionale se estero, ad esempio +33 1 23456789."),
    )
    permit_type = forms.CharField(
        label=_("Tipo di titolo di soggiorno"), max_length=10, required=False
    )
    permit_number = forms.CharField(
        label=_("Numero del titolo di soggiorno"), max_length=40, required=False
    )
    permit_reason = forms.CharField(
        label=_("Motivo del titolo di soggiorno"), max_length=10, required=False
    )
    permit_expiry = forms.DateField(
        label=_("Scadenza del titolo di soggiorno"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("01/01/1900 se in attesa di rinnovo, 31/12/2099 se a tempo indeterminato."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # A fiscal code correction needs its own history: not from this form.
            self.fields["fiscal_code"].disabled = True
            self.fields["fiscal_code"].help_text = _(
                "Il codice fiscale non si modifica da questa pagina."
            )
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()

    def clean_fiscal_code(self) -> str:
        if self.fields["fiscal_code"].disabled:
            return cf.normalise(self.cleaned_data["fiscal_code"])
        try:
            return validate_fiscal_code(self.cleaned_data["fiscal_code"])
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["fiscal_code"]) from None


class PersonSearchForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Cerca"),
        required=False,
        max_length=100,
        help_text=_("Codice fiscale, cognome e nome, telefono oppure e-mail."),
    )
    office = forms.ModelChoiceField(
        label=_("CPI competente"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("Tutti"),
    )

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()


class FiscalCodeChangeForm(AccessibleFormMixin, forms.Form):
    fiscal_code = forms.CharField(
        label=_("Nuovo codice fiscale"),
        max_length=20,
        help_text=_("Il codice attuale resta nella cronologia della persona."),
    )
    reason = forms.ChoiceField(label=_("Motivo"), choices=FiscalCodeChangeReason.choices)
    note = forms.CharField(label=_("Nota"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()


class ConsentForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Consenso"), choices=ConsentKind.choices)
    given = forms.TypedChoiceField(
        label=_("Scelta"),
        choices=[("1", _("Prestato")), ("0", _("Revocato"))],
        coerce=lambda value: value == "1",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()
