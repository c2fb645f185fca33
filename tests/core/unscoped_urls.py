"""The project's URLconf plus one operator screen that forgets office scoping (test only)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from sil.people.models import Person
from sil.urls import handler404, urlpatterns  # noqa: F401 - the project's error views too


def spy(request, pk):
    person = get_object_or_404(Person, pk=pk)  # every person, whatever the office
    return HttpResponse(person.last_name)


urlpatterns = [path("operatori/spia/<int:pk>/", spy, name="spia"), *urlpatterns]
