from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sil.accounts"
    label = "accounts"
    verbose_name = _("Utenze")

    def ready(self) -> None:
        from sil.accounts import receivers  # noqa: F401
        from sil.core.registry import UrlMount, registry

        registry.urls.register(UrlMount("operatori/", "sil.accounts.urls", order=10))
