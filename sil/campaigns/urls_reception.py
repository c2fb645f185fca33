"""Reception desk, launch and sanctions export of campaigns (under /operatori/campagne/)."""

from django.urls import path

from sil.campaigns import views_reception as views

urlpatterns = [
    path("accoglienza/", views.reception_day, name="reception_day"),
    path(
        "accoglienza/convocazione/<int:pk>/arrivo/",
        views.check_in,
        name="reception_check_in",
    ),
    path(
        "accoglienza/convocazione/<int:pk>/esito/",
        views.record_outcome,
        name="reception_outcome",
    ),
    path(
        "accoglienza/convocazione/<int:pk>/riprogramma/",
        views.reschedule,
        name="reception_reschedule",
    ),
    path("<int:pk>/avvia/", views.launch_confirm, name="launch"),
    path("<int:pk>/avvio/", views.launch_status, name="launch_status"),
    path("<int:pk>/sanzioni/", views.sanctions_page, name="sanctions"),
    path("<int:pk>/sanzioni/eventi.<str:fmt>", views.sanctions_download, name="sanctions_download"),
]
