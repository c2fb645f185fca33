from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "sil.campaigns"
    label = "campaigns"
    verbose_name = _("Campagne di convocazione")
