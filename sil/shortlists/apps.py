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

        from sil.core.registry import (
            EMPLOYER,
            ApiRoute,
            Extension,
            MessageKind,
            NavEntry,
            RunCommand,
            UrlMount,
            registry,
        )
        from sil.shortlists.notifications import KIND, TEMPLATES

        registry.message_kinds.register(
            MessageKind(KIND, _("Rosa di candidati inviata, all'impresa"), TEMPLATES)
        )
        registry.demo_steps.register(
            Extension("demo_shortlists", RunCommand("demo_shortlists"), order=100)
        )

        registry.urls.register(UrlMount("operatori/rose/", "sil.shortlists.urls", order=110))
        registry.urls.register(UrlMount("imprese/rose/", "sil.shortlists.employer_urls", order=790))
        registry.navigation.register(
            NavEntry(
                _("Rose di candidati"),
                "shortlists:shortlist_list",
                order=33,
                group=_("Imprese e offerte"),
            )
        )
        registry.navigation.register(
            NavEntry(
                _("Candidature e rose"),
                "employer_shortlists:home",
                order=30,
                audiences=frozenset({EMPLOYER}),
            )
        )

        from sil.shortlists.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=90 + n))
