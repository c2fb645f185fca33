"""The citizen's signed appointment link (no login): confirm, move, cannot come."""

from django.urls import path  # noqa: F401

app_name = "appointment_link"
urlpatterns: list[object] = []
