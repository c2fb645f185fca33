from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "sil.applications"
    label = "applications"
    verbose_name = _("Candidature")

    def ready(self) -> None:
        from sil.applications import hooks

        hooks.register()
