from django.urls import path

from sil.vacancies import public_views as views

app_name = "jobs"
urlpatterns = [
    path("", views.job_search, name="search"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("<int:pk>/", views.job_detail, name="vacancy_detail"),
    path("<int:pk>/<slug:slug>/", views.job_detail, name="vacancy_detail_slug"),
]
