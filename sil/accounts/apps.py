from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sil.accounts"
    label = "accounts"
    verbose_name = _("Utenze")

    def ready(self) -> None:
        from sil.accounts import receivers  # noqa: F401
        from sil.core.registry import Extension, RunCommand, UrlMount, registry

        registry.demo_steps.register(
            Extension("demo_operators", RunCommand("demo_operators"), order=60)
        )

        registry.urls.register(UrlMount("operatori/", "sil.accounts.urls", order=10))
