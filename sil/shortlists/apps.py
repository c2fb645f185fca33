from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ShortlistsConfig(AppConfig):
    name = "sil.shortlists"
    label = "shortlists"
    verbose_name = _("Rose di candidati")

    def ready(self) -> None:
        from sil.applications.models import Application
        from sil.employers import timeline as employer_timeline
        from sil.people import timeline
        from sil.shortlists.receivers import file_new_application
        from sil.shortlists.timeline import employer_events, person_events

        timeline.register_source("shortlists", person_events)
        employer_timeline.register_source("shortlists", employer_events)
        # Every application a firm receives lands in its archive of received CVs.
        post_save.connect(
            file_new_application, sender=Application, dispatch_uid="shortlists_received_cv"
        )
