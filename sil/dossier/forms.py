"""Forms of the dossier sections. They only shape input: the actions run the model checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from sil.classifications.languages import language_choices
from sil.classifications.models import ContractType, EconomicActivity, Profession
from sil.core.forms import AccessibleFormMixin
from sil.dossier.models import (
    Availability,
    DrivingLicence,
    Education,
    ItSkill,
    LanguageSkill,
    OtherLicence,
    PersonSection,
    TrainingCourse,
    WorkExperience,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodeField(forms.Field):
    """A row of a big classification typed by its code (a select of thousands helps nobody).

    `order` breaks ties between editions (the newest wins).
    """

    default_error_messages = {"unknown": _("Codice non trovato: «%(value)s».")}
    widget = forms.TextInput(attrs={"maxlength": "20", "autocomplete": "off"})

    def __init__(self, *, queryset: QuerySet[Any], order: tuple[str, ...], **kwargs: Any) -> None:
        self.queryset = queryset
        self.order = order
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Model):
            return value.code  # type: ignore[attr-defined]
        if isinstance(value, int):  # a primary key from a model instance's initial data
            found = self.queryset.filter(pk=value).first()
            return found.code if found is not None else value
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Model):
            return value
        text = "".join(str(value or "").split())
        if not text:
            return None
        found = self.queryset.filter(code=text).order_by(*self.order).first()
        if found is None:
            raise ValidationError(self.error_messages["unknown"], "unknown", {"value": text})
        return found


class SectionForm(AccessibleFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Base of every section form: accessible widgets, action errors on their fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()

    def _post_clean(self) -> None:
        # The model checks run in the action (one place for views, API and imports).
        pass


class EducationForm(SectionForm):
    class Meta:
        model = Education
        fields = ["level", "title", "institution", "year", "mark", "recognised_in_italy"]


class TrainingCourseForm(SectionForm):
    class Meta:
        model = TrainingCourse
        fields = [
            "title",
            "provider",
            "duration",
            "duration_unit",
            "year",
            "certificate",
            "with_stage",
        ]


class WorkExperienceForm(SectionForm):
    economic_activity = CodeField(
        label=_("Attività economica (ATECO)"),
        queryset=EconomicActivity.objects.all(),
        order=("-edition", "id"),
        required=False,
        help_text=_("Codice ATECO, ad esempio 47.11.10."),
    )
    profession = CodeField(
        label=_("Qualifica (CP)"),
        queryset=Profession.objects.all(),
        order=("-system", "id"),
        required=False,
        help_text=_("Codice della classificazione delle professioni, ad esempio 5.1.2.2.0."),
    )

    class Meta:
        model = WorkExperience
        fields = [
            "employer_name",
            "employer_fiscal_code",
            "economic_activity",
            "profession",
            "contract_type",
            "start_date",
            "end_date",
            "weekly_hours",
            "duties",
            "targeted_hire",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "duties": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract_type"].queryset = ContractType.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )

    def clean_employer_fiscal_code(self) -> str:
        return "".join(str(self.cleaned_data.get("employer_fiscal_code") or "").split()).upper()


class LanguageSkillForm(SectionForm):
    language = forms.ChoiceField(label=_("Lingua"), choices=language_choices)

    class Meta:
        model = LanguageSkill
        fields = ["language", "understanding", "speaking", "writing"]

    def clean_language(self) -> str:
        return str(self.cleaned_data.get("language") or "").strip().lower()


class ItSkillForm(SectionForm):
    class Meta:
        model = ItSkill
        fields = ["name", "level"]


class DrivingLicenceForm(SectionForm):
    class Meta:
        model = DrivingLicence
        fields = ["category"]


class OtherLicenceForm(SectionForm):
    class Meta:
        model = OtherLicence
        fields = ["name", "issuer", "number"]


class AvailabilityForm(SectionForm):
    class Meta:
        model = Availability
        fields = ["contract_types", "working_time", "mobility_radius_km", "shifts", "notes"]
        widgets = {
            "contract_types": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract_types"].queryset = ContractType.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )

    def decorate(self) -> None:
        super().decorate()
        # Rendered as a group of checkboxes, not as one text control.
        self.fields["contract_types"].widget.attrs["class"] = "form-check-input"


SECTION_FORMS: dict[type[PersonSection], type[SectionForm]] = {
    Education: EducationForm,
    TrainingCourse: TrainingCourseForm,
    WorkExperience: WorkExperienceForm,
    LanguageSkill: LanguageSkillForm,
    ItSkill: ItSkillForm,
    DrivingLicence: DrivingLicenceForm,
    OtherLicence: OtherLicenceForm,
}
