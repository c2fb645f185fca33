from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "sil.employers"
    label = "employers"
    verbose_name = _("Imprese")

    def ready(self) -> None:
        from sil.employers import timeline

        timeline.register_source("employers.registration", timeline.registration_events)
        timeline.register_source("employers.consents", timeline.consent_events)
        timeline.register_source("employers.sites", timeline.site_events)
        timeline.register_source("employers.users", timeline.user_events)

        from sil.core.registry import (
            EMPLOYER,
            ApiRoute,
            Extension,
            MessageKind,
            NavEntry,
            RunCommand,
            UrlMount,
            registry,
        )
        from sil.employers.notifications import KIND, TEMPLATES

        registry.message_kinds.register(
            MessageKind(KIND, _("Invito all'area imprese, all'utente dell'impresa"), TEMPLATES)
        )
        registry.demo_steps.register(
            Extension("demo_employers", RunCommand("demo_employers"), order=70)
        )

        registry.urls.register(UrlMount("operatori/imprese/", "sil.employers.urls", order=70))
        registry.urls.register(UrlMount("imprese/", "sil.employers.area_urls", order=800))
        registry.urls.register(UrlMount("elenco-imprese/", "sil.employers.public_urls", order=830))
        registry.navigation.register(
            NavEntry(
                _("Imprese"), "employers:employer_list", order=30, group=_("Imprese e offerte")
            )
        )
        registry.navigation.register(
            NavEntry(
                _("La mia impresa"), "employer_area:home", order=10, audiences=frozenset({EMPLOYER})
            )
        )

        from sil.employers.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=60 + n))
