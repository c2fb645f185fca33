from django.urls import path

from sil.dossier import views

app_name = "dossier"
urlpatterns = [
    path("<int:person_id>/", views.dossier_detail, name="dossier_detail"),
    path("<int:person_id>/pdf/", views.dossier_pdf, name="dossier_pdf"),
    path("<int:person_id>/disponibilita/", views.availability_edit, name="availability_edit"),
    path("<int:person_id>/<slug:section>/nuovo/", views.entry_create, name="entry_create"),
    path("<int:person_id>/<slug:section>/<int:pk>/", views.entry_edit, name="entry_edit"),
    path(
        "<int:person_id>/<slug:section>/<int:pk>/elimina/",
        views.entry_delete,
        name="entry_delete",
    ),
]
