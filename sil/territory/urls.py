from django.urls import path

from sil.territory import views

app_name = "territory"
urlpatterns = [
    path("uffici/", views.office_list, name="office_list"),
]
