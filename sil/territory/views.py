"""Office pages for operators: list with filters, detail with the comuni served, contacts editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sil.territory.actions import CONTACT_FIELDS, do_update_office_contacts
from sil.territory.forms import OfficeContactsForm, OfficeFilterForm
from sil.territory.models import Competence, Office

PAGE_SIZE = 25
EDITOR_ROLES = ("admin", "region")  # sil.accounts.models.Role values


def can_edit_offices(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    from sil.accounts.queries import has_role  # accounts sits above territory

    return has_role(user, *EDITOR_ROLES)


def _breadcrumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Scrivania"), reverse("core:home")),
        (_("Uffici"), reverse("territory:office_list")),
        *extra,
    ]


@login_required
def office_list(request: HttpRequest) -> HttpResponse:
    form = OfficeFilterForm(request.GET or None)
    offices = Office.objects.select_related("municipality", "municipality__province").annotate(
        served=Count("competences")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            offices = offices.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        if data["kind"]:
            offices = offices.filter(kind=data["kind"])
        if data["province"]:
            # An office belongs to a province through its seat or the comuni it serves.
            served_there = Competence.objects.filter(municipality__province=data["province"])
            offices = offices.filter(
                Q(municipality__province=data["province"])
                | Q(pk__in=served_there.values("office_id"))
            )
    page = Paginator(offices.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "territory/office_list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "querystring": query.urlencode(),
            "breadcrumbs": [(_("Scrivania"), reverse("core:home")), (_("Uffici"), None)],
        },
    )


@login_required
def office_detail(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_object_or_404(
        Office.objects.select_related("municipality", "municipality__province", "parent"), pk=pk
    )
    municipalities = office.municipalities.select_related("province").order_by("name", "id")
    return render(
        request,
        "territory/office_detail.html",
        {
            "office": office,
            "municipalities": municipalities,
            "children": office.children.order_by("name", "id"),
            "can_edit": can_edit_offices(request.user),
            "breadcrumbs": _breadcrumbs((office.name, None)),
        },
    )


@login_required
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_edit_offices(request.user):
        raise PermissionDenied
    office = get_object_or_404(Office, pk=pk)
    form = OfficeContactsForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        do_update_office_contacts(
            Office.objects.get(pk=office.pk), **{f: form.cleaned_data[f] for f in CONTACT_FIELDS}
        )
        messages.success(request, _("Contatti e orari dell'ufficio aggiornati."))
        return redirect("territory:office_detail", pk=office.pk)
    detail = reverse("territory:office_detail", args=[office.pk])
    return render(
        request,
        "territory/office_form.html",
        {
            "office": office,
            "form": form,
            "breadcrumbs": _breadcrumbs((office.name, detail), (_("Modifica"), None)),
        },
        status=400 if form.errors else 200,
    )
