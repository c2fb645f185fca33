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

        from sil.core.registry import ApiRoute, Extension, NavEntry, RunCommand, UrlMount, registry

        registry.demo_steps.register(Extension("demo_people", RunCommand("demo_people"), order=30))

        registry.urls.register(UrlMount("operatori/persone/", "sil.people.urls", order=30))
        registry.navigation.register(NavEntry(_("Persone"), "people:person_list", order=20))

        from sil.people.api import FiscalCodeViewSet, PersonViewSet

        for n, (prefix, viewset, basename) in enumerate(
            [
                ("people", PersonViewSet, "person"),
                ("codice-fiscale", FiscalCodeViewSet, "fiscal-code"),
            ]
        ):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=20 + n))
