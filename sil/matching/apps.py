from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "sil.matching"
    label = "matching"
    verbose_name = _("Incontro domanda-offerta")

    def ready(self) -> None:
        from sil.matching import hooks

        hooks.register()
