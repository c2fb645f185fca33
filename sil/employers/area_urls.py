from django.urls import path

from sil.employers import area_views

app_name = "employer_area"
urlpatterns = [
    path("", area_views.home, name="home"),
    path("impresa/", area_views.profile, name="profile"),
    path("impresa/cambia/", area_views.switch_employer, name="switch_employer"),
    path("sedi/", area_views.site_list, name="site_list"),
    path("sedi/nuova/", area_views.site_create, name="site_create"),
    path("sedi/<int:site_pk>/", area_views.site_edit, name="site_edit"),
    path("utenti/", area_views.user_list, name="user_list"),
    path("utenti/nuovo/", area_views.user_add, name="user_add"),
    path("utenti/<int:membership_pk>/rimuovi/", area_views.user_remove, name="user_remove"),
]
