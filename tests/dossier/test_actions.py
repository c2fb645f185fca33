import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sil.classifications.models import LanguageLevel
from sil.dossier.actions import (
    do_add_education,
    do_add_language_skill,
    do_add_training_course,
    do_add_work_experience,
    do_remove_entry,
    do_set_availability,
    do_update_entry,
)
from sil.dossier.models import Availability, Education, WorkExperience
from tests.dossier.factories import (
    ContractTypeFactory,
    EducationLevelFactory,
    WorkExperienceFactory,
)
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_add_update_remove_education_with_history():
    person = PersonFactory()
    operator = UserFactory()
    level = EducationLevelFactory()
    education = do_add_education(
        person, {"level": level, "title": "Diploma", "year": 2001}, by=operator
    )
    assert education.pk and education.person == person
    do_update_entry(education, {"mark": "60/60", "person": PersonFactory()}, by=operator)
    education.refresh_from_db()
    assert education.mark == "60/60"
    assert education.person == person  # the owner never changes
    do_remove_entry(education, by=operator)
    assert not Education.objects.filter(pk=education.pk).exists()
    history = apps.get_model("dossier", "EducationEvent").objects.select_related("pgh_context")
    actions = {event.pgh_label: event.pgh_context.metadata for event in history}
    assert set(actions) == {"insert", "update", "delete"}
    assert actions["delete"]["action"] == "remove_education"
    assert actions["delete"]["user"] == operator.pk
    assert actions["update"]["action"] == "update_education"


def test_experience_end_before_start_is_refused():
    person = PersonFactory()
    with pytest.raises(ValidationError) as caught:
        do_add_work_experience(
            person,
            {
                "employer_name": "Ditta",
                "start_date": dt.date(2020, 5, 1),
                "end_date": dt.date(2020, 4, 1),
            },
        )
    assert caught.value.message_dict == {"end_date": ["La fine non può precedere l'inizio."]}
    assert not WorkExperience.objects.exists()


@pytest.mark.parametrize("code", ["1234", "ABCDEFGHIJKLMNOPQ", "0123456789X"])
def test_employer_fiscal_code_shape(code):
    with pytest.raises(ValidationError) as caught:
        do_add_work_experience(
            PersonFactory(),
            {
                "employer_name": "Ditta",
                "employer_fiscal_code": code,
                "start_date": dt.date(2020, 1, 1),
            },
        )
    assert "employer_fiscal_code" in caught.value.message_dict


def test_database_refuses_bad_employer_code_even_without_actions():
    experience = WorkExperienceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkExperience.objects.filter(pk=experience.pk).update(employer_fiscal_code="12")


def test_language_once_per_person_and_iso_code():
    person = PersonFactory()
    b2 = LanguageLevel.objects.get(code="B2")
    do_add_language_skill(person, {"language": "en", "understanding": b2})
    with pytest.raises(ValidationError) as caught:
        do_add_language_skill(person, {"language": "en"})
    assert "Questa lingua è già nel fascicolo." in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        do_add_language_skill(person, {"language": "eng"})
    assert "language" in caught.value.message_dict


def test_training_duration_needs_unit():
    with pytest.raises(ValidationError) as caught:
        do_add_training_course(PersonFactory(), {"title": "Corso HACCP", "duration": 40})
    assert list(caught.value.message_dict) == ["duration_unit"]
    course = do_add_training_course(
        PersonFactory(), {"title": "Corso HACCP", "duration": 40, "duration_unit": "O"}
    )
    assert course.get_duration_unit_display() == "ore"


def test_availability_is_one_per_person_and_replaced():
    person = PersonFactory()
    permanent = ContractTypeFactory()
    fixed = ContractTypeFactory(code="A.02.00", name="Tempo determinato")
    first = do_set_availability(
        person, {"working_time": "full", "mobility_radius_km": 30}, contract_types=[permanent]
    )
    second = do_set_availability(
        person, {"working_time": "part", "shifts": True}, contract_types=[fixed]
    )
    assert first.pk == second.pk
    assert Availability.objects.count() == 1
    second.refresh_from_db()
    assert second.working_time == "part" and second.shifts and second.mobility_radius_km == 30
    assert list(second.contract_types.all()) == [fixed]
