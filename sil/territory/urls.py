from django.urls import path

from sil.territory import views

app_name = "territory"
urlpatterns = [
    path("uffici/", views.office_list, name="office_list"),
    path("uffici/<int:pk>/", views.office_detail, name="office_detail"),
    path("uffici/<int:pk>/modifica/", views.office_edit, name="office_edit"),
]
