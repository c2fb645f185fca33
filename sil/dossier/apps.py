from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    name = "sil.dossier"
    label = "dossier"
    verbose_name = _("Fascicolo elettronico")

    def ready(self) -> None:
        from sil.dossier import hooks

        hooks.register()
