from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DidConfig(AppConfig):
    name = "sil.did"
    label = "did"
    verbose_name = _("DID e stato di disoccupazione")
