from django.urls import path

from sil.people import merge_views, views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("nuova/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/modifica/", views.person_edit, name="person_edit"),
    path(
        "<int:pk>/codice-fiscale/",
        views.person_change_fiscal_code,
        name="person_change_fiscal_code",
    ),
    path("<int:pk>/consensi/", views.person_record_consent, name="person_record_consent"),
    path("<int:pk>/duplicati/", merge_views.person_duplicates, name="person_duplicates"),
    path("unioni/<int:pk>/", merge_views.person_merge_detail, name="person_merge_detail"),
]
