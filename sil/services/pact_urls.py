"""Patto di servizio pages, under /operatori/servizi/patti/ in the services namespace."""

from django.urls import path

from sil.services import pact_views as views

urlpatterns = [
    path("nuovo/<int:person_id>/", views.pact_create, name="pact_create"),
    path("<int:pk>/", views.pact_detail, name="pact_detail"),
    path("<int:pk>/modifica/", views.pact_edit, name="pact_edit"),
    path("<int:pk>/alla-firma/", views.pact_to_signature, name="pact_to_signature"),
    path("<int:pk>/riapri/", views.pact_reopen, name="pact_reopen"),
    path("<int:pk>/firma-otp/", views.pact_sign_otp, name="pact_sign_otp"),
    path("<int:pk>/firma-su-carta/", views.pact_upload_scan, name="pact_upload_scan"),
    path("<int:pk>/patto.pdf", views.pact_pdf, name="pact_pdf"),
    path("<int:pk>/scansione/", views.pact_scan, name="pact_scan"),
]
