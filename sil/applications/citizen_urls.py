from django.urls import path

from sil.applications import citizen_views as views

app_name = "citizen"
urlpatterns = [
    path("", views.home, name="home"),
    path("accesso-demo/", views.demo_login, name="demo_login"),
    path("cv/", views.cv_list, name="cv_list"),
    path("cv/nuovo/", views.cv_create, name="cv_create"),
    path("cv/<int:pk>/", views.cv_detail, name="cv_detail"),
    path("cv/<int:pk>/modifica/", views.cv_edit, name="cv_edit"),
    path("cv/<int:pk>/elimina/", views.cv_delete, name="cv_delete"),
    path("cv/<int:pk>/duplica/", views.cv_duplicate, name="cv_duplicate"),
    path("cv/<int:pk>/predefinito/", views.cv_make_default, name="cv_make_default"),
    path("cv/<int:pk>/cv.pdf", views.cv_pdf, name="cv_pdf"),
    path("cv/<int:pk>/cv.json", views.cv_json, name="cv_json"),
    path("offerte/<int:vacancy_pk>/candidati/", views.apply, name="apply"),
    path(
        "imprese/<int:employer_pk>/candidatura-spontanea/",
        views.apply_spontaneous,
        name="apply_spontaneous",
    ),
    path("candidature/", views.application_list, name="application_list"),
    path("candidature/<int:pk>/", views.application_detail, name="application_detail"),
    path("candidature/<int:pk>/ritira/", views.application_withdraw, name="application_withdraw"),
]
