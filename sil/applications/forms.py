"""Forms of the citizen area (CVs, applying, demo sign-in) and of the operators' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sil.applications.models import ApplicationState
from sil.core.forms import AccessibleFormMixin
from sil.dossier.models import CV_SECTION_KEYS, Cv
from sil.dossier.queries import SECTIONS_BY_KEY
from sil.territory.models import Office


class DemoLoginForm(AccessibleFormMixin, forms.Form):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=16,
        help_text=_("Il codice fiscale di una persona registrata nella regione dimostrativa."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_code"].widget.attrs["autocomplete"] = "off"
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()

    def clean_fiscal_code(self) -> str:
        return "".join(str(self.cleaned_data["fiscal_code"]).split()).upper()


def _row_label(key: str, row: Any) -> str:
    if key == "esperienze":
        end = row.end_date.strftime("%m/%Y") if row.end_date else _("in corso")
        what = f"{row.profession.name} · " if row.profession_id else ""
        return f"{what}{row.employer_name} ({row.start_date:%m/%Y} – {end})"
    if key == "titoli":
        return f"{row.title}{f' ({row.year})' if row.year else ''}"
    if key == "lingue":
        levels = "/".join(
            level.code if level else "-" for level in (row.understanding, row.speaking, row.writing)
        )
        return f"{row.language.upper()} {levels}"
    if key == "patenti":
        return str(row.get_category_display())
    return str(row)


class CvForm(AccessibleFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Free text of a CV plus, per dossier section, which rows it shows (checkboxes)."""

    make_default = forms.BooleanField(label=_("Usa come CV predefinito"), required=False)

    class Meta:
        model = Cv
        fields = ["name", "headline", "desired_job", "summary", "extra_skills", "availability_note"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "extra_skills": forms.Textarea(attrs={"rows": 3}),
            "availability_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, dossier: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Cv | None = kwargs.get("instance")
        self.section_fields: list[str] = []
        for key in CV_SECTION_KEYS:
            rows = dossier.get(key, [])
            if not rows:
                continue
            name = f"rows_{key}"
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=SECTIONS_BY_KEY[key].title,
                choices=[(row.pk, _row_label(key, row)) for row in rows],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            if instance is not None and instance.pk:
                self.initial[name] = instance.selected_ids(key)
            else:  # a new CV starts with the whole dossier
                self.initial[name] = [row.pk for row in rows]
            self.section_fields.append(name)
        if instance is not None and instance.is_default:
            del self.fields["make_default"]
        self.decorate()

    def decorate(self) -> None:
        super().decorate()
        for name in getattr(self, "section_fields", []):
            # Each checkbox gets its own classes from the template.
            self.fields[name].widget.attrs.pop("class", None)

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()

    def selection(self) -> dict[str, list[int]]:
        return {key: list(self.cleaned_data.get(f"rows_{key}") or []) for key in CV_SECTION_KEYS}

    def sections(self) -> list[Any]:
        return [self[name] for name in self.section_fields]

    def text_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.section_fields]


class ApplyForm(AccessibleFormMixin, forms.Form):
    cv = forms.ModelChoiceField(
        label=_("CV da inviare"),
        queryset=Cv.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Messaggio per l'impresa (facoltativo)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=_(
            "Confermo l'invio del CV scelto e dei miei recapiti all'impresa e al Centro per "
            "l'Impiego che gestisce l'offerta."
        ),
        error_messages={"required": _("Per candidarsi occorre confermare l'invio.")},
    )

    def __init__(self, *args: Any, cvs: QuerySet[Cv], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cv"]
        field.queryset = cvs  # type: ignore[attr-defined]
        default = next((cv for cv in cvs if cv.is_default), None)
        if default is not None:
            self.initial.setdefault("cv", default.pk)
        self.decorate()
        field.widget.attrs.pop("class", None)

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()
        self.fields["cv"].widget.attrs.pop("class", None)


class WithdrawForm(AccessibleFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Motivo (facoltativo)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()


class StateChangeForm(AccessibleFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("Nuovo stato"))
    note = forms.CharField(
        label=_("Nota (inviata alla persona)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [  # type: ignore[attr-defined]
            (target, ApplicationState(target).label) for target in targets
        ]
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()


class ApplicationFilterForm(AccessibleFormMixin, forms.Form):
    vacancy = forms.IntegerField(label=_("Offerta (numero)"), required=False, min_value=1)
    state = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti")), ("open", _("Aperte")), *ApplicationState.choices],
    )
    office = forms.ModelChoiceField(
        label=_("Ufficio"), required=False, queryset=Office.objects.none(), empty_label=_("Tutti")
    )

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()
