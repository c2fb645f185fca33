from django.urls import path

from sil.shortlists import employer_views as views

app_name = "employer_shortlists"
urlpatterns = [
    path("", views.home, name="home"),
    path("ricevute/", views.shortlist_list, name="shortlist_list"),
    path("ricevute/<int:pk>/", views.shortlist_detail, name="shortlist_detail"),
    path("candidato/<int:pk>/riscontro/", views.entry_feedback, name="entry_feedback"),
    path("candidature/", views.application_list, name="application_list"),
    path("candidature/<int:pk>/stato/", views.application_state, name="application_state"),
    path("cv/", views.cv_archive, name="cv_archive"),
    path("cv/<int:pk>/archivia/", views.cv_archive_toggle, name="cv_archive_toggle"),
    path("cv/<int:pk>/pdf/", views.cv_download, name="cv_download"),
]
