from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    name = "sil.dossier"
    label = "dossier"
    verbose_name = _("Fascicolo elettronico")

    def ready(self) -> None:
        from sil.dossier import hooks

        hooks.register()

        from sil.core.registry import ApiRoute, UrlMount, registry

        registry.urls.register(UrlMount("operatori/fascicolo/", "sil.dossier.urls", order=50))

        from sil.dossier.api import ROUTES, SapExportViewSet

        for n, (prefix, viewset, basename) in enumerate(
            [(r"people/(?P<person_id>[0-9]+)/sap", SapExportViewSet, "person-sap"), *ROUTES]
        ):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=40 + n))
