from django.urls import path

from sil.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("nuova/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/modifica/", views.person_edit, name="person_edit"),
]
