from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "sil.vacancies"
    label = "vacancies"
    verbose_name = _("Offerte di lavoro")

    def ready(self) -> None:
        from sil.scale import sections
        from sil.vacancies.synthetic import generate_section

        # After the employers (order 20): vacancies need firms to belong to.
        sections.register("vacancies", generate_section, order=30)

        from sil.core.registry import (
            CITIZEN,
            EMPLOYER,
            ApiRoute,
            Extension,
            NavEntry,
            RunCommand,
            UrlMount,
            registry,
        )

        registry.demo_steps.register(
            Extension("demo_vacancies", RunCommand("demo_vacancies"), order=80)
        )

        registry.urls.register(UrlMount("operatori/offerte/", "sil.vacancies.urls", order=80))
        registry.urls.register(
            UrlMount("imprese/offerte/", "sil.vacancies.employer_urls", order=780)
        )
        registry.urls.register(
            UrlMount("offerte-di-lavoro/", "sil.vacancies.public_urls", order=840)
        )
        registry.navigation.register(
            NavEntry(_("Offerte"), "vacancies:vacancy_list", order=31, group=_("Imprese e offerte"))
        )
        registry.navigation.register(
            NavEntry(
                _("Offerte"),
                "employer_vacancies:vacancy_list",
                order=20,
                audiences=frozenset({EMPLOYER}),
            )
        )
        registry.navigation.register(
            NavEntry(_("Cerca offerte"), "jobs:search", order=40, audiences=frozenset({CITIZEN}))
        )

        from sil.vacancies.api import ROUTES

        for n, (prefix, viewset, basename) in enumerate([*ROUTES]):
            registry.api_routes.register(ApiRoute(prefix, viewset, basename, order=70 + n))
