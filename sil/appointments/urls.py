from django.urls import path

from sil.appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.index, name="index"),
    path("uffici/<str:office>/settimana/", views.week, name="week"),
    path("uffici/<str:office>/slot/", views.slots, name="slots"),
    path("uffici/<str:office>/giorno/", views.day_list, name="day_list"),
    path("appuntamenti/<int:pk>/", views.appointment_detail, name="appointment"),
    path("appuntamenti/<int:pk>/ics/", views.appointment_ics, name="appointment_ics"),
    path(
        "appuntamenti/<int:pk>/<str:action>/",
        views.appointment_action,
        name="appointment_action",
    ),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
