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
