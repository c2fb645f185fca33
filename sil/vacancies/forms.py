"""Forms of the vacancy pages. They shape input; the rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sil.classifications.languages import language_choices
from sil.classifications.models import ContractType, LanguageLevel, Profession
from sil.core.text import validate_multiline
from sil.dossier.models import WorkingTime
from sil.employers.models import Employer, EmployerSite
from sil.territory.models import Municipality, Office
from sil.vacancies.actions import DRIVING_LICENCES, EDITABLE_FIELDS
from sil.vacancies.models import Vacancy, VacancyState

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
LANGUAGE_ROWS = 3
RADIUS_CHOICES = [("", _("solo il comune")), ("10", "10 km"), ("25", "25 km"), ("50", "50 km")]


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def add_action_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _limited_choices(field: Any, selected: Any, empty: str) -> None:
    """Render only the chosen option: the whole list is searched through the htmx endpoint,
    while validation still accepts any row of the field's queryset."""
    options: list[tuple[Any, str]] = [("", empty)]
    if selected is not None and selected != "":
        obj = selected if hasattr(selected, "pk") else field.queryset.filter(pk=selected).first()
        if obj is not None:
            options.append((obj.pk, str(obj)))
    field.widget.choices = options


class VacancyForm(forms.ModelForm):  # type: ignore[type-arg]
    """The BCNL fields of a vacancy (operators also choose the firm and the office)."""

    driving_licences = forms.MultipleChoiceField(
        label=_("Patenti di guida"),
        required=False,
        choices=[(code, code) for code in DRIVING_LICENCES],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Vacancy
        fields = ["employer", "office", *[f for f in EDITABLE_FIELDS if f != "driving_licences"]]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "how_to_apply": forms.Textarea(attrs={"rows": 3}),
            "expiry_date": DATE_INPUT,
        }

    def __init__(
        self,
        *args: Any,
        employer: Employer | None = None,
        operator: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        instance: Vacancy | None = kwargs.get("instance")
        firm = employer or (instance.employer if instance and instance.employer_id else None)
        if not operator or firm is not None:
            del self.fields["employer"]
        else:
            _limited_choices(
                self.fields["employer"], self._value("employer"), str(_("— scegliere —"))
            )
        if not operator:
            del self.fields["office"]
        else:
            office_field = self.fields["office"]
            assert isinstance(office_field, forms.ModelChoiceField)
            office_field.queryset = Office.objects.filter(is_active=True).order_by("name")
            office_field.help_text = _("Vuoto: il CPI competente per il luogo di lavoro.")
        self.fields["expiry_date"].input_formats = DATE_FORMATS  # type: ignore[attr-defined]
        profession = self.fields["profession"]
        assert isinstance(profession, forms.ModelChoiceField)
        profession.queryset = Profession.objects.filter(level=5)
        _limited_choices(profession, self._value("profession"), str(_("— cercare sopra —")))
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = Municipality.objects.current()
        _limited_choices(municipality, self._value("municipality"), str(_("— cercare sopra —")))
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = (
            EmployerSite.objects.filter(employer=firm, is_active=True)
            if firm is not None
            else EmployerSite.objects.none()
        )
        esco = self.fields["esco_occupation"]
        assert isinstance(esco, forms.ModelChoiceField)
        _limited_choices(esco, self._value("esco_occupation"), str(_("— nessuna —")))
        esco.help_text = _("Facoltativa; indispensabile per le offerte EURES.")
        contract = self.fields["contract_type"]
        assert isinstance(contract, forms.ModelChoiceField)
        contract.queryset = ContractType.objects.order_by("code")
        _style(self)

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        if name in self.initial:
            return self.initial[name]
        instance = self.instance
        return getattr(instance, name, None) if getattr(instance, f"{name}_id", None) else None

    def restrict_to(self, names: frozenset[str]) -> None:
        """Disable the fields the user may not change now (shown, not submitted)."""
        for name, field in self.fields.items():
            if name not in names and name not in {"employer"}:
                field.disabled = True

    def changes(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"employer", "office"} and not self.fields[name].disabled
        }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Lingua"), choices=language_choices, required=False)
    level = forms.ModelChoiceField(
        label=_("Livello QCER"),
        queryset=LanguageLevel.objects.order_by("code"),
        required=False,
    )
    required = forms.BooleanField(label=_("Indispensabile"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("language") and not data.get("level"):
            self.add_error("level", _("Indicare il livello."))
        return data


LanguageFormSet = forms.formset_factory(LanguageForm, extra=0, max_num=10)


def language_formset(vacancy: Vacancy | None, data: Any = None) -> Any:
    initial = []
    if vacancy is not None and vacancy.pk:
        initial = [
            {"language": row.language, "level": row.level, "required": row.required}
            for row in vacancy.languages.select_related("level")
        ]
    formset = LanguageFormSet(data, initial=initial, prefix="languages")
    if data is None:
        formset.extra = max(0, LANGUAGE_ROWS - len(initial))
    return formset


def languages_of(formset: Any) -> list[dict[str, Any]]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("language")]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ho letto le segnalazioni e confermo la pubblicazione"), required=False
    )
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatoria se ci sono possibili requisiti discriminatori."),
        validators=[validate_multiline],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["confirm"].widget.attrs["class"] = "form-check-input"


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        validators=[validate_multiline],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class VacancyFilterForm(forms.Form):
    """Filters of the operators' list."""

    q = forms.CharField(label=_("Titolo o impresa"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("tutti")), *VacancyState.choices]
    )
    office = forms.ModelChoiceField(label=_("CPI"), queryset=Office.objects.none(), required=False)
    profession = forms.CharField(
        label=_("Codice professione (CP)"),
        required=False,
        max_length=12,
        help_text=_("Anche solo l'inizio, ad esempio 5.2."),
    )
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office_field = self.fields["office"]
        assert isinstance(office_field, forms.ModelChoiceField)
        office_field.queryset = offices
        _style(self)


class BoardSearchForm(forms.Form):
    """The public job board's search."""

    q = forms.CharField(
        label=_("Cosa"),
        required=False,
        max_length=100,
        help_text=_("Parole del titolo, della descrizione o della professione."),
    )
    comune = forms.CharField(
        label=_("Dove (comune)"), required=False, max_length=100, help_text=_("Ad esempio Salerno.")
    )
    raggio = forms.TypedChoiceField(
        label=_("Distanza"), choices=RADIUS_CHOICES, required=False, coerce=int, empty_value=None
    )
    professione = forms.CharField(label=_("Codice professione (CP)"), required=False, max_length=12)
    contratto = forms.ModelChoiceField(
        label=_("Contratto"), queryset=ContractType.objects.none(), required=False
    )
    orario = forms.ChoiceField(
        label=_("Orario"), choices=[("", _("qualsiasi")), *WorkingTime.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contract = self.fields["contratto"]
        assert isinstance(contract, forms.ModelChoiceField)
        contract.queryset = ContractType.objects.order_by("name")
        _style(self)

    def clean_comune(self) -> Municipality | None:
        name = " ".join(str(self.cleaned_data.get("comune") or "").split())
        if not name:
            return None
        current = Municipality.objects.current().exclude(istat_code="")
        found = current.filter(name__unaccent__iexact=name).order_by("name", "id").first()
        found = (
            found or current.filter(name__unaccent__istartswith=name).order_by("name", "id").first()
        )
        if found is None:
            raise ValidationError(_("Comune non trovato: controllare il nome."), code="unknown")
        return found
