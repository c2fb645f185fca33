from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "sil.services"
    label = "services"
    verbose_name = _("Servizi, politiche e profilazione")

    def ready(self) -> None:
        from sil.services import hooks

        hooks.register()
