from django.urls import path

from sil.shortlists import views

app_name = "shortlists"
urlpatterns = [
    path("", views.shortlist_list, name="shortlist_list"),
    path("<int:pk>/", views.shortlist_detail, name="shortlist_detail"),
    path("<int:pk>/invia/", views.send_shortlist, name="send"),
    path("<int:pk>/chiudi/", views.close_shortlist, name="close"),
    path("offerta/<int:vacancy_pk>/aggiungi/", views.add_candidates, name="add_candidates"),
    path("candidato/<int:pk>/contatto/", views.record_contact, name="entry_contact"),
    path("candidato/<int:pk>/riscontro/", views.record_feedback, name="entry_feedback"),
    path("candidato/<int:pk>/esito/", views.record_outcome, name="entry_outcome"),
    path("candidato/<int:pk>/togli/", views.remove_entry, name="entry_remove"),
]
