"""The campaign dashboard and its downloads (under /operatori/campagne/)."""

from django.urls import path

from sil.campaigns import views_dashboard

urlpatterns = [
    path("<int:pk>/cruscotto/", views_dashboard.dashboard, name="dashboard"),
    path(
        "<int:pk>/cruscotto/<int:office_pk>/",
        views_dashboard.dashboard_office,
        name="dashboard_office",
    ),
    path(
        "<int:pk>/cruscotto/cpi.<str:fmt>",
        views_dashboard.export_offices,
        name="dashboard_export_offices",
    ),
    path(
        "<int:pk>/cruscotto/convocazioni.<str:fmt>",
        views_dashboard.export_convocations,
        name="dashboard_export_convocations",
    ),
]
