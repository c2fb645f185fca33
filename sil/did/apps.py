from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DidConfig(AppConfig):
    name = "sil.did"
    label = "did"
    verbose_name = _("DID e stato di disoccupazione")

    def ready(self) -> None:
        from sil.did.timeline import did_events
        from sil.did.views import panel_context
        from sil.people import panels, timeline

        panels.register(
            panels.PersonPanel(
                key="did",
                title=_("DID e stato di disoccupazione"),
                template="did/_panel.html",
                order=10,
                context=panel_context,
            )
        )
        timeline.register_source("did", did_events)

        from sil.core.registry import ApiRoute, UrlMount, registry

        registry.urls.register(UrlMount("operatori/did/", "sil.did.urls", order=40))

        from sil.did.api import DidViewSet

        for n, (prefix, viewset, basename) in enumerate([("did", DidViewSet, "did")]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=30 + n))
