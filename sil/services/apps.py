from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "sil.services"
    label = "services"
    verbose_name = _("Servizi, politiche e profilazione")

    def ready(self) -> None:
        from sil.services import hooks

        hooks.register()

        from sil.core.registry import ApiRoute, Extension, RunCommand, UrlMount, registry

        registry.demo_steps.register(
            Extension("demo_dossier", RunCommand("demo_dossier"), order=40)
        )

        registry.urls.register(UrlMount("operatori/servizi/", "sil.services.urls", order=60))

        from sil.services.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=50 + n))
