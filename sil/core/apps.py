from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sil.core"
    label = "core"
    verbose_name = "OpenSIL core"
