"""Forms of the employer pages. They shape input; the checks live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sil.classifications.models import EconomicActivity
from sil.core.forms import AccessibleFormMixin
from sil.employers.actions import (
    ATECO_EDITIONS,
    PREFERRED_ATECO_EDITION,
    validate_employer_fiscal_code,
    validate_vat_number,
)
from sil.employers.models import EmployerRole, EmployerSize
from sil.people.forms import MunicipalityField
from sil.territory.models import Office, OfficeKind, Province

ATECO_EDITION_CHOICES = [
    ("2025", _("ATECO 2025")),
    ("2022", _("ATECO 2007 (aggiornamento 2022)")),
    ("2007", _("ATECO 2007")),
]


class _Decorated(AccessibleFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()


def section_choices() -> list[tuple[str, str]]:
    sections = EconomicActivity.objects.filter(
        edition=PREFERRED_ATECO_EDITION, level="section"
    ).order_by("code")
    return [(s.code, f"{s.code} — {s.name.capitalize()}") for s in sections]


class AtecoMixin:
    """Two inputs, edition and code, turned into `economic_activity` by clean()."""

    def clean_ateco(self, cleaned: dict[str, Any]) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        code = " ".join(str(cleaned.get("ateco_code") or "").split()).upper()
        edition = cleaned.get("ateco_edition") or PREFERRED_ATECO_EDITION
        cleaned["economic_activity"] = None
        if not code:
            return
        if edition not in ATECO_EDITIONS:
            form.add_error("ateco_edition", _("Edizione ATECO non valida."))
            return
        activity = (
            EconomicActivity.objects.filter(edition=edition, code=code)
            .select_related("parent")
            .first()
        )
        if activity is None:
            form.add_error(
                "ateco_code",
                _("Codice %(code)s non presente nella classificazione %(edition)s.")
                % {"code": code, "edition": dict(ATECO_EDITION_CHOICES)[edition]},
            )
            return
        cleaned["economic_activity"] = activity


class EmployerForm(AtecoMixin, _Decorated):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        help_text=_(
            "11 cifre; per le ditte individuali il codice fiscale personale (16 caratteri)."
        ),
    )
    vat_number = forms.CharField(
        label=_("Partita IVA"),
        max_length=16,
        required=False,
        help_text=_(
            "11 cifre. Se vuota e il codice fiscale è quello di una società, coincide con esso."
        ),
    )
    name = forms.CharField(label=_("Ragione sociale"), max_length=300)
    legal_form = forms.CharField(
        label=_("Forma giuridica"),
        max_length=100,
        required=False,
        help_text=_("Ad esempio S.r.l., S.p.A., ditta individuale, associazione."),
    )
    ateco_edition = forms.ChoiceField(
        label=_("Classificazione ATECO"),
        choices=ATECO_EDITION_CHOICES,
        initial=PREFERRED_ATECO_EDITION,
        required=False,
    )
    ateco_code = forms.CharField(
        label=_("Codice ATECO dell'attività prevalente"),
        max_length=10,
        required=False,
        help_text=_("Ad esempio 62.10.00 (ATECO 2025)."),
    )
    employees = forms.IntegerField(label=_("Numero di addetti"), min_value=0, required=False)
    size = forms.ChoiceField(
        label=_("Dimensione"),
        choices=[("", _("Dal numero di addetti")), *EmployerSize.choices],
        required=False,
    )
    municipality = MunicipalityField(label=_("Comune della sede legale"))
    address = forms.CharField(
        label=_("Indirizzo della sede legale"), max_length=200, required=False
    )
    postcode = forms.CharField(label=_("CAP"), max_length=5, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    pec = forms.EmailField(label=_("PEC"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=40, required=False)
    website = forms.CharField(label=_("Sito web"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Presentazione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mostrata nell'elenco pubblico delle imprese se l'impresa acconsente."),
    )
    office = forms.ModelChoiceField(
        label=_("CPI di riferimento"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("Il CPI competente per la sede legale"),
    )
    directory_consent = forms.BooleanField(
        label=_("L'impresa acconsente alla pubblicazione nell'elenco pubblico delle imprese"),
        required=False,
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(  # type: ignore[attr-defined]
            kind=OfficeKind.CPI, is_active=True
        ).order_by("name")
        if editing:
            self.fields["fiscal_code"].disabled = True
            self.fields["fiscal_code"].help_text = _("Il codice fiscale non si modifica.")
            # Consent has its own dated page.
            del self.fields["directory_consent"]
        self.decorate()

    def clean_fiscal_code(self) -> str:
        value = str(self.cleaned_data["fiscal_code"])
        if self.fields["fiscal_code"].disabled:
            return value
        try:
            return validate_employer_fiscal_code(value)
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["fiscal_code"]) from None

    def clean_vat_number(self) -> str:
        try:
            return validate_vat_number(self.cleaned_data["vat_number"])
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["vat_number"]) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_ateco(cleaned)
        return cleaned


class EmployerProfileForm(_Decorated):
    """What the firm's users change themselves: contacts and presentation."""

    email = forms.EmailField(label=_("E-mail"), required=False)
    pec = forms.EmailField(label=_("PEC"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=40, required=False)
    website = forms.CharField(label=_("Sito web"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Presentazione dell'impresa"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    directory_consent = forms.BooleanField(
        label=_("Acconsento alla pubblicazione dell'impresa nell'elenco pubblico delle imprese"),
        required=False,
        help_text=_(
            "Sono pubblicati ragione sociale, partita IVA, attività, sedi, contatti e "
            "presentazione. Il consenso si può revocare in ogni momento."
        ),
    )


class DirectoryConsentForm(_Decorated):
    given = forms.TypedChoiceField(
        label=_("Consenso alla pubblicazione nell'elenco pubblico delle imprese"),
        choices=[("1", _("Prestato")), ("0", _("Revocato"))],
        coerce=lambda value: value == "1",
    )


class SiteForm(_Decorated):
    name = forms.CharField(label=_("Denominazione della sede"), max_length=200)
    municipality = MunicipalityField(label=_("Comune"))
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    postcode = forms.CharField(label=_("CAP"), max_length=5, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=40, required=False)
    is_active = forms.BooleanField(label=_("Sede attiva"), required=False, initial=True)


class EmployerUserForm(_Decorated):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("Nome"), max_length=150)
    last_name = forms.CharField(label=_("Cognome"), max_length=150)
    role = forms.ChoiceField(label=_("Ruolo"), choices=EmployerRole.choices)


class EmployerSearchForm(_Decorated):
    q = forms.CharField(
        label=_("Cerca"),
        required=False,
        max_length=100,
        help_text=_("Ragione sociale, codice fiscale o partita IVA."),
    )
    municipality = forms.CharField(
        label=_("Comune"), required=False, max_length=100, help_text=_("Della sede legale.")
    )
    ateco = forms.CharField(
        label=_("ATECO"),
        required=False,
        max_length=10,
        help_text=_("Una sezione (ad esempio C) o l'inizio di un codice (ad esempio 62)."),
    )
    inactive = forms.BooleanField(label=_("Anche le imprese cessate"), required=False)


class DirectorySearchForm(_Decorated):
    q = forms.CharField(label=_("Nome dell'impresa"), required=False, max_length=100)
    section = forms.ChoiceField(label=_("Settore (sezione ATECO)"), required=False)
    province = forms.ModelChoiceField(
        label=_("Provincia"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("Tutte"),
        to_field_name="code",
    )

    def __init__(self, *args: Any, provinces: QuerySet[Province], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("Tutti")), *section_choices()]  # type: ignore[attr-defined]
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]
        self.decorate()
