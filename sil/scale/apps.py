from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    name = "sil.scale"
    label = "scale"
    verbose_name = _("Scala regionale: dati sintetici e benchmark")
