from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "sil.territory"
    label = "territory"
    verbose_name = _("Territorio")

    def ready(self) -> None:
        from sil.core.registry import ApiRoute, NavEntry, UrlMount, registry

        registry.urls.register(UrlMount("operatori/territorio/", "sil.territory.urls", order=20))
        registry.navigation.register(
            NavEntry(_("Uffici"), "territory:office_list", order=90, group=_("Gestione"))
        )

        from sil.territory.api import MunicipalityViewSet, OfficeViewSet

        for n, (prefix, viewset, basename) in enumerate(
            [
                ("municipalities", MunicipalityViewSet, "municipality"),
                ("offices", OfficeViewSet, "office"),
            ]
        ):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=10 + n))
