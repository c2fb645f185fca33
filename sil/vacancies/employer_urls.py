from django.urls import path

from sil.vacancies import employer_views as views

app_name = "employer_vacancies"
urlpatterns = [
    path("", views.vacancy_list, name="vacancy_list"),
    path("nuova/", views.vacancy_create, name="vacancy_create"),
    path("cerca/<slug:kind>/", views.search_options, name="search_options"),
    path("<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("<int:pk>/modifica/", views.vacancy_edit, name="vacancy_edit"),
    path("<int:pk>/<slug:action>/", views.vacancy_transition, name="vacancy_transition"),
]
