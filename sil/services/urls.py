from django.urls import include, path

from sil.services import views

app_name = "services"
urlpatterns = [
    path("patti/", include("sil.services.pact_urls")),
    path("<int:person_id>/politiche/", views.policy_list, name="policy_list"),
    path("<int:person_id>/gol/nuovo/", views.gol_assessment_create, name="gol_assessment_create"),
    path("<int:person_id>/politiche/nuova/", views.policy_create, name="policy_create"),
    path("<int:person_id>/politiche/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("<int:person_id>/politiche/<int:pk>/elimina/", views.policy_delete, name="policy_delete"),
    path(
        "<int:person_id>/politiche/<int:pk>/eventi/nuovo/",
        views.policy_event_create,
        name="policy_event_create",
    ),
]
