"""Operator screens of campaigns (/operatori/campagne/): one module per area, one namespace."""

from django.urls import include, path

from sil.campaigns import urls_campaigns, urls_dashboard, urls_reception

app_name = "campaigns"
urlpatterns = [
    path("", include(urls_campaigns)),
    path("", include(urls_reception)),
    path("", include(urls_dashboard)),
]
