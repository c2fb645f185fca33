from django.apps import AppConfig


def panel_context(request, person):
    return {"greeting": f"Ciao {person.first_name}"}


class ThrowawayConfig(AppConfig):
    name = "tests.core.throwaway_app"
    label = "throwaway"

    def ready(self):
        from sil.core.registry import ApiRoute, NavEntry, PersonPanel, UrlMount, registry
        from tests.core.throwaway_app.api import NoteViewSet

        registry.urls.register(UrlMount("operatori/usa-e-getta/", "tests.core.throwaway_app.urls"))
        registry.navigation.register(
            NavEntry("Usa e getta", "throwaway:index", order=95, group="Gestione")
        )
        registry.api_routes.register(ApiRoute("throwaway-notes", NoteViewSet, "throwaway-note"))
        registry.person_panels.register(
            PersonPanel(
                key="throwaway",
                title="Pannello usa e getta",
                template="throwaway/_panel.html",
                order=999,
                context=panel_context,
            )
        )
