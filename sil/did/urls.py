from django.urls import path

from sil.did import views

app_name = "did"
urlpatterns = [
    path("persona/<int:person_pk>/", views.person_dids, name="person_dids"),
    path("persona/<int:person_pk>/dichiara/", views.declare, name="declare"),
    path("<int:pk>/inizio-lavoro/", views.did_action, {"action": "job_start"}, name="job_start"),
    path("<int:pk>/fine-lavoro/", views.did_action, {"action": "job_end"}, name="job_end"),
    path("<int:pk>/decadenza/", views.did_action, {"action": "lapse"}, name="lapse"),
    path("<int:pk>/revoca/", views.did_action, {"action": "revoke"}, name="revoke"),
]
