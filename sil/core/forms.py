"""The shared web kit: accessible Bootstrap Italia forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class AccessibleFormMixin:
    """Bootstrap Italia classes and ARIA links between inputs, help texts and errors."""

    def decorate(self) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        errors = getattr(form, "_errors", None)  # set once validated; never trigger validation
        for name, field in form.fields.items():
            bound = form[name]
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.Select):
                css = "form-select"
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_helptext")
            if errors and name in errors:
                described.append(f"{bound.auto_id}_error")
                css += " is-invalid"
                widget.attrs["aria-invalid"] = "true"
            widget.attrs["class"] = css
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            elif "aria-describedby" in widget.attrs:
                del widget.attrs["aria-describedby"]

    def add_action_errors(self, error: ValidationError) -> None:
        """Put an action's ValidationError on the matching fields (others on the form)."""
        form: forms.BaseForm = self  # type: ignore[assignment]
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        self.decorate()
