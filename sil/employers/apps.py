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
