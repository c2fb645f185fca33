from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sil.territory.models import Office


@login_required
def office_list(request: HttpRequest) -> HttpResponse:
    offices = Office.objects.select_related("municipality").order_by("name", "id")
    return render(request, "territory/office_list.html", {"offices": offices})
