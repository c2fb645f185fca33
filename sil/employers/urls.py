from django.urls import path

from sil.employers import views

app_name = "employers"
urlpatterns = [
    path("", views.employer_list, name="employer_list"),
    path("nuova/", views.employer_create, name="employer_create"),
    path("<int:pk>/", views.employer_detail, name="employer_detail"),
    path("<int:pk>/modifica/", views.employer_edit, name="employer_edit"),
    path("<int:pk>/consenso/", views.employer_consent, name="employer_consent"),
    path("<int:pk>/stato/", views.employer_set_active, name="employer_set_active"),
    path("<int:pk>/sedi/nuova/", views.site_create, name="site_create"),
    path("<int:pk>/sedi/<int:site_pk>/", views.site_edit, name="site_edit"),
    path("<int:pk>/utenti/nuovo/", views.user_add, name="user_add"),
    path("<int:pk>/utenti/<int:membership_pk>/rimuovi/", views.user_remove, name="user_remove"),
]
