from django.urls import path

from sil.matching import views

app_name = "matching"
urlpatterns = [
    path("offerte/<int:pk>/candidati/", views.vacancy_candidates, name="vacancy_candidates"),
]
