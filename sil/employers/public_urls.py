from django.urls import path

from sil.employers import public_views

app_name = "directory"
urlpatterns = [
    path("", public_views.directory, name="list"),
    path("<int:pk>/", public_views.employer, name="detail"),
    path("<int:pk>/<slug:slug>/", public_views.employer, name="detail_slug"),
]
