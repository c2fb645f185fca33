"""Delivery-report webhooks of the providers (signed, no session)."""

from django.urls import path

from sil.notifications import webhooks

app_name = "notification_webhooks"
urlpatterns = [path("<slug:provider>/", webhooks.report, name="report")]
