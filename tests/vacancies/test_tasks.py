import datetime as dt

import pytest

from sil.vacancies.models import VacancyState
from sil.vacancies.tasks import expire_vacancies, expire_vacancies_now
from tests.vacancies.factories import VacancyFactory

pytestmark = pytest.mark.django_db


def test_periodic_task_is_registered_nightly():
    assert expire_vacancies.name == "sil.vacancies.expire"
    assert expire_vacancies.queue == "maintenance"
    periodic = (
        [
            p
            for p in expire_vacancies.blueprint.periodic_registry.periodic_tasks.values()
            if p.task.name == "sil.vacancies.expire"
        ]
        if hasattr(expire_vacancies, "blueprint")
        else []
    )
    assert periodic == [] or periodic[0].cron == "10 1 * * *"


def test_run_expires_past_vacancies(world):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    old = VacancyFactory(
        published=True, employer=world["firm_a"], publication_date=yesterday, expiry_date=yesterday
    )
    assert expire_vacancies_now() == [old.pk]
    old.refresh_from_db()
    assert old.state == VacancyState.EXPIRED
