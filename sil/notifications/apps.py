from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sil.notifications"
    label = "notifications"
    verbose_name = _("Notifiche")

    def ready(self) -> None:
        from sil.core.registry import ApiRoute, NavEntry, UrlMount, registry

        registry.urls.register(UrlMount("operatori/messaggi/", "sil.notifications.urls", order=140))
        registry.urls.register(
            UrlMount("notifiche/webhook/", "sil.notifications.webhook_urls", order=860)
        )
        registry.navigation.register(
            NavEntry(_("Messaggi"), "notifications:message_list", order=43, group=_("Convocazioni"))
        )

        from sil.notifications.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=130 + n))
