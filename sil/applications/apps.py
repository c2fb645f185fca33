from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "sil.applications"
    label = "applications"
    verbose_name = _("Candidature")

    def ready(self) -> None:
        from sil.applications import hooks

        hooks.register()

        from sil.core.registry import (
            CITIZEN,
            ApiRoute,
            Extension,
            NavEntry,
            RunCommand,
            UrlMount,
            registry,
        )

        registry.demo_steps.register(
            Extension("demo_citizens", RunCommand("demo_citizens"), order=90)
        )

        registry.urls.register(
            UrlMount("operatori/candidature/", "sil.applications.urls", order=100)
        )
        registry.urls.register(
            UrlMount("area-personale/", "sil.applications.citizen_urls", order=820)
        )
        registry.navigation.register(
            NavEntry(
                _("Candidature"),
                "applications:application_list",
                order=32,
                group=_("Imprese e offerte"),
            )
        )
        registry.navigation.register(
            NavEntry(_("Area personale"), "citizen:home", order=10, audiences=frozenset({CITIZEN}))
        )
        registry.navigation.register(
            NavEntry(_("I miei CV"), "citizen:cv_list", order=20, audiences=frozenset({CITIZEN}))
        )
        registry.navigation.register(
            NavEntry(
                _("Le mie candidature"),
                "citizen:application_list",
                order=30,
                audiences=frozenset({CITIZEN}),
            )
        )

        from sil.applications.notifications import MESSAGES

        for message in MESSAGES:
            registry.message_kinds.register(message.message_kind())

        from sil.applications.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=80 + n))
