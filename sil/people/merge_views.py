"""Operators' pages for duplicate people: the candidates of a person, merge and undo.

Only region, administrator and CPI manager roles may merge (others get 403); both people must
be within the operator's offices.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.core.audit import log_access
from sil.core.forms import AccessibleFormMixin
from sil.core.web import operator_required
from sil.people.duplicates import duplicates_of
from sil.people.merge import do_merge_people, do_undo_merge
from sil.people.models import Person, PersonMerge
from sil.people.views import _can_merge, _person_breadcrumbs, _person_or_404

View = Callable[..., HttpResponse]

REASON_LABELS = {
    "same_base_fiscal_code": gettext_lazy("codice fiscale omocodico"),
    "same_identity": gettext_lazy("stessi nome, data e luogo di nascita"),
    "similar_name": gettext_lazy("nome simile e stessa data di nascita"),
}


def can_merge(user: Any) -> bool:
    return _can_merge(user)


def merge_role_required(view: View) -> View:
    @operator_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_merge(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class MergeForm(AccessibleFormMixin, forms.Form):
    duplicate = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Motivo dell'unione"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decorate()

    def full_clean(self) -> None:
        super().full_clean()
        self.decorate()


@merge_role_required
def person_duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Person.objects.for_operator(request.user)
    person = _person_or_404(request, visible, pk)
    pairs = duplicates_of(person)
    other_ids = [pair.second_id if pair.first_id == person.pk else pair.first_id for pair in pairs]
    others = visible.with_places().in_bulk(other_ids)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        duplicate = others.get(form.cleaned_data["duplicate"])
        if duplicate is None:
            form.add_error(None, _("La persona indicata non è tra i possibili duplicati."))
        else:
            try:
                merge = do_merge_people(
                    person, duplicate, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Persone unite."))
                return redirect("people:person_merge_detail", pk=merge.pk)
    candidates = [
        {
            "person": others[other_id],
            "reasons": [REASON_LABELS.get(reason, reason) for reason in pair.reasons],
            "score": pair.score,
        }
        for pair, other_id in zip(pairs, other_ids, strict=True)
        if other_id in others
    ]
    log_access(request, [person, *(others[item_id] for item_id in other_ids if item_id in others)])
    title = _("Possibili duplicati")
    return render(
        request,
        "people/person_duplicates.html",
        {
            "person": person,
            "candidates": candidates,
            "form": form,
            "merges": person.merges_as_survivor.select_related("merged", "merged_by").order_by(
                "-merged_at"
            ),
            "title": title,
            "breadcrumbs": _person_breadcrumbs(person, title),
        },
    )


@merge_role_required
def person_merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(
        PersonMerge.objects.for_operator(request.user).select_related(
            "survivor", "merged", "merged_by", "undone_by"
        ),
        pk=pk,
    )
    if request.method == "POST":
        try:
            do_undo_merge(merge, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Unione annullata."))
        return redirect("people:person_merge_detail", pk=merge.pk)
    log_access(request, [merge.survivor, merge.merged])
    title = _("Unione di persone")
    return render(
        request,
        "people/person_merge_detail.html",
        {
            "merge": merge,
            "title": title,
            "breadcrumbs": _person_breadcrumbs(merge.survivor, title),
            "duplicates_url": reverse("people:person_duplicates", args=[merge.survivor_id]),
        },
    )
