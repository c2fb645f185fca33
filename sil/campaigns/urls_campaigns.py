"""Campaign list, editor, texts, capacities, list import and dry run (/operatori/campagne/)."""

from django.urls import path

from sil.campaigns import views

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("nuova/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/modifica/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/testi/", views.campaign_templates, name="campaign_templates"),
    path("<int:pk>/testi/conteggio-sms/", views.sms_counter, name="sms_counter"),
    path("<int:pk>/capacita/", views.campaign_capacities, name="campaign_capacities"),
    path("<int:pk>/importa/", views.campaign_import, name="campaign_import"),
    path("<int:pk>/importazioni/<int:batch>/", views.import_status, name="import_status"),
    path("<int:pk>/simulazione/", views.campaign_dry_run, name="campaign_dry_run"),
    path("<int:pk>/stato/", views.campaign_move, name="campaign_move"),
]
