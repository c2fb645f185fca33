from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "sil.matching"
    label = "matching"
    verbose_name = _("Incontro domanda-offerta")

    def ready(self) -> None:
        from sil.matching import hooks

        hooks.register()

        from sil.core.registry import ApiRoute, Extension, RunCommand, UrlMount, registry

        # The demo's profiles are built in bulk once the dossiers exist (rather than one by one
        # by the worker), before the shortlists.
        rebuild = RunCommand("matching", ("rebuild", "--all"))
        registry.demo_steps.register(Extension("matching_profiles", rebuild, order=50))

        registry.urls.register(UrlMount("operatori/abbinamento/", "sil.matching.urls", order=90))

        from sil.matching.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=100 + n))
