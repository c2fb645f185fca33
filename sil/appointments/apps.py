from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "sil.appointments"
    label = "appointments"
    verbose_name = _("Appuntamenti")

    def ready(self) -> None:
        from sil.core.registry import ApiRoute, NavEntry, UrlMount, registry

        registry.urls.register(UrlMount("operatori/agende/", "sil.appointments.urls", order=130))
        registry.urls.register(
            UrlMount("appuntamento/", "sil.appointments.citizen_urls", order=850)
        )
        registry.navigation.register(
            NavEntry(_("Agende"), "appointments:index", order=42, group=_("Convocazioni"))
        )

        from sil.appointments.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=120 + n))
