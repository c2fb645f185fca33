from django.urls import path

from sil.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
]
