from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationsConfig(AppConfig):
    name = "sil.classifications"
    label = "classifications"
    verbose_name = _("Classificazioni")

    def ready(self) -> None:
        from sil.classifications import refdata
        from sil.core.registry import ReferenceSource, registry

        # After the territory (the registry's order): one transaction for both.
        registry.reference_data.register(
            ReferenceSource(
                "classifications",
                refdata.SHIPPED,
                refdata.read_directory,
                refdata.plan,
                refdata.read_packages,
                order=20,
            )
        )
