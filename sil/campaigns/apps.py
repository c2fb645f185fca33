from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "sil.campaigns"
    label = "campaigns"
    verbose_name = _("Campagne di convocazione")

    def ready(self) -> None:
        from sil.campaigns import launch, receivers  # noqa: F401  (launch holds a worker task)
        from sil.campaigns.outcomes import timeline_events
        from sil.campaigns.scheduling import citizen_slots
        from sil.people import timeline

        receivers.connect()
        timeline.register_source("campaigns", timeline_events)

        from sil.core.registry import ApiRoute, Extension, NavEntry, RunCommand, UrlMount, registry

        registry.demo_steps.register(
            Extension("demo_campaigns", RunCommand("demo_campaigns"), order=110)
        )

        registry.urls.register(UrlMount("operatori/campagne/", "sil.campaigns.urls", order=120))
        registry.navigation.register(
            NavEntry(_("Campagne"), "campaigns:campaign_list", order=40, group=_("Convocazioni"))
        )
        registry.navigation.register(
            NavEntry(_("Accoglienza"), "campaigns:reception_day", order=41, group=_("Convocazioni"))
        )

        from sil.campaigns.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=110 + n))

        # The citizen's link offers only slots inside the campaign's window and capacity.
        registry.slot_rules.register(Extension("campaign", citizen_slots))
