"""What matching listens to and contributes: profile refresh on changes, a person-page panel."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from procrastinate.exceptions import AlreadyEnqueued

from sil.people import panels
from sil.people.models import Person


def enqueue_refresh(person_id: int) -> None:
    """After commit, one job per person (a queueing lock collapses repeated changes)."""
    from sil.matching.tasks import refresh_profile

    def defer() -> None:
        try:
            # A savepoint, so a refused duplicate never spoils an enclosing transaction.
            with transaction.atomic():
                refresh_profile.configure(queueing_lock=f"matching.profile.{person_id}").defer(
                    person_id=person_id
                )
        except AlreadyEnqueued:
            pass

    transaction.on_commit(defer)


def _on_person(sender: Any, instance: Person, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        enqueue_refresh(instance.pk)


def _on_section(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw") and instance.person_id:
        enqueue_refresh(instance.person_id)


def _on_contract_types(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and hasattr(instance, "person_id"):
        enqueue_refresh(instance.person_id)


def panel_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    from sil.matching.queries import rank_vacancies
    from sil.vacancies.models import Vacancy

    matches = rank_vacancies(person, limit=5)
    vacancies = Vacancy.objects.in_bulk([m.vacancy_id for m in matches])
    return {"matches": [{"match": m, "vacancy": vacancies[m.vacancy_id]} for m in matches]}


def register() -> None:
    from sil.did.models import Did
    from sil.dossier import models as dossier

    post_save.connect(_on_person, sender=Person, dispatch_uid="matching.person")
    for model in (
        Did,
        dossier.Education,
        dossier.TrainingCourse,
        dossier.WorkExperience,
        dossier.LanguageSkill,
        dossier.ItSkill,
        dossier.DrivingLicence,
        dossier.OtherLicence,
        dossier.Availability,
    ):
        uid = f"matching.{model._meta.label_lower}"
        post_save.connect(_on_section, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_on_section, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        _on_contract_types,
        sender=dossier.Availability.contract_types.through,
        dispatch_uid="matching.availability.contract_types",
    )
    panels.register(
        panels.PersonPanel(
            key="offerte-compatibili",
            title=gettext_lazy("Offerte compatibili"),
            template="matching/_person_panel.html",
            order=60,
            context=panel_context,
        )
    )
