from django.urls import path

from sil.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.operator_home, name="operator_home"),
]
