from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "sil.territory"
    label = "territory"
    verbose_name = _("Territorio")

    def ready(self) -> None:
        from sil.core.registry import (
            ApiRoute,
            Extension,
            NavEntry,
            ReferenceSource,
            UrlMount,
            registry,
        )
        from sil.territory import refdata
        from sil.territory.demo import setup_demo_offices

        registry.reference_data.register(
            ReferenceSource(
                "territory",
                refdata.SHIPPED,
                refdata.read_directory,
                refdata.plan,
                refdata.read_packages,
                order=10,
            )
        )
        registry.demo_steps.register(Extension("demo_offices", setup_demo_offices, order=20))

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
