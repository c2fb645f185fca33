"""The citizen's signed appointment link (no login): confirm, move, cannot come."""

from django.urls import path

from sil.appointments import citizen_views

app_name = "appointment_link"
urlpatterns = [path("<str:token>/", citizen_views.show, name="show")]
