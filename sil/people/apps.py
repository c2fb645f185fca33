from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "sil.people"
    label = "people"
    verbose_name = _("Persone")

    def ready(self) -> None:
        from sil.people.events import people_events
        from sil.people.timeline import register_source

        register_source("people", people_events)
