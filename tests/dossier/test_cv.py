"""CVs: built from the dossier, one default per person, exports (PDF, Europass-like JSON)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from sil.dossier import cv as cvs
from sil.dossier.models import Cv
from tests.dossier.factories import EducationFactory, LanguageSkillFactory, WorkExperienceFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(db):
    person = PersonFactory(first_name="Anna", last_name="Esposito", email="anna@esempio.invalid")
    return {
        "person": person,
        "job": WorkExperienceFactory(person=person, duties="Cassa e scaffali"),
        "old_job": WorkExperienceFactory(person=person, employer_name="Bar Centrale"),
        "diploma": EducationFactory(person=person),
        "english": LanguageSkillFactory(person=person),
    }


def test_first_cv_is_the_default_and_the_selection_is_cleaned(dossier):
    person = dossier["person"]
    stranger_job = WorkExperienceFactory()
    cv = cvs.do_create_cv(
        person,
        {"name": " Vendite ", "headline": "Addetta alle vendite"},
        {
            "esperienze": [dossier["job"].pk, stranger_job.pk, "x"],
            "titoli": [dossier["diploma"].pk],
        },
    )
    assert cv.is_default and cv.name == "Vendite"
    # Someone else's row and garbage are dropped.
    assert cv.selected_ids("esperienze") == [dossier["job"].pk]
    second = cvs.do_create_cv(person, {"name": "Ristorazione"})
    assert not second.is_default


def test_one_default_per_person_in_the_database(dossier):
    person = dossier["person"]
    cvs.do_create_cv(person, {"name": "A"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Cv.objects.create(person=person, name="B", is_default=True)


def test_set_default_moves_the_flag_and_delete_hands_it_on(dossier):
    person = dossier["person"]
    first = cvs.do_create_cv(person, {"name": "A"})
    second = cvs.do_create_cv(person, {"name": "B"})
    cvs.do_set_default_cv(second)
    first.refresh_from_db()
    assert not first.is_default
    assert Cv.objects.get(pk=second.pk).is_default
    cvs.do_delete_cv(Cv.objects.get(pk=second.pk))
    assert Cv.objects.get(pk=first.pk).is_default


def test_duplicate_copies_text_and_selection_never_the_default_flag(dossier):
    cv = cvs.do_create_cv(
        dossier["person"],
        {"name": "Vendite", "summary": "Esperta"},
        {"lingue": [dossier["english"].pk]},
    )
    copy = cvs.do_duplicate_cv(cv)
    assert copy.pk != cv.pk and not copy.is_default
    assert copy.name == "Copia di Vendite"
    assert copy.summary == "Esperta"
    assert copy.selected_ids("lingue") == [dossier["english"].pk]


def test_name_is_required(dossier):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        cvs.do_create_cv(dossier["person"], {"name": "  "})
    assert "name" in info.value.message_dict


def test_content_shows_only_chosen_rows_and_forgets_deleted_ones(dossier):
    cv = cvs.do_create_cv_from_dossier(dossier["person"], "Tutto")
    assert len(cvs.cv_content(cv).rows["esperienze"]) == 2
    cvs.do_update_cv(cv, {}, {"esperienze": [dossier["job"].pk]})
    assert [row.pk for row in cvs.cv_content(cv).rows["esperienze"]] == [dossier["job"].pk]
    dossier["job"].delete()
    assert cvs.cv_content(cv).rows["esperienze"] == []


def test_europass_json_shape(dossier):
    cv = cvs.do_create_cv_from_dossier(dossier["person"], "Tutto")
    cvs.do_update_cv(
        cv, {"headline": "Cassiera", "desired_job": "Addetta vendite", "extra_skills": "HACCP"}
    )
    document = cvs.europass_json(cv)
    passport = document["SkillsPassport"]
    assert passport["DocumentInfo"]["DocumentType"] == "ECV"
    learner = passport["LearnerInfo"]
    assert learner["Identification"]["PersonName"] == {"FirstName": "Anna", "Surname": "Esposito"}
    assert learner["Identification"]["ContactInfo"]["Email"] == {"Contact": "anna@esempio.invalid"}
    # No birth date, sex or citizenship: nothing an employer could discriminate on.
    assert "Demographics" not in learner["Identification"]
    [work] = [w for w in learner["WorkExperience"] if w["Employer"]["Name"].startswith("Super")]
    assert set(work) >= {"Period", "Employer", "Position", "Activities"}
    assert work["Period"]["From"] == {"Year": 2015, "Month": 3, "Day": 1}
    assert work["Position"]["Code"] == "5.1.2.2.0"
    assert learner["Education"][0]["Title"] == "Diploma di ragioniere"
    language = learner["Skills"]["Linguistic"]["ForeignLanguage"][0]
    assert language["Description"]["Code"] == "en"
    assert language["ProficiencyLevel"]["Listening"] == "B2"
    assert language["ProficiencyLevel"]["Writing"] == "B1"
    assert learner["Skills"]["Other"]["Description"] == "HACCP"
    assert learner["Headline"]["Description"]["Label"] == "Addetta vendite"
    assert document["Extensions"]["opensil"]["cv_id"] == cv.pk
    import json

    json.dumps(document)  # serialisable as is


def test_pdf_export(dossier):
    cv = cvs.do_create_cv_from_dossier(dossier["person"], "Tutto")
    pdf = cvs.render_pdf(cv)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 2000
