"""Delivery-report webhooks of the providers (signed, no session)."""

from django.urls import path  # noqa: F401

app_name = "notification_webhooks"
urlpatterns: list[object] = []
