from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "sil.campaigns"
    label = "campaigns"
    verbose_name = _("Campagne di convocazione")

    def ready(self) -> None:
        from sil.appointments import offers
        from sil.campaigns import launch, receivers  # noqa: F401  (launch holds a worker task)
        from sil.campaigns.outcomes import timeline_events
        from sil.campaigns.scheduling import citizen_slots
        from sil.people import timeline

        receivers.connect()
        timeline.register_source("campaigns", timeline_events)
        offers.register("campaign", citizen_slots)
