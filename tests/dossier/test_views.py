import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sil.core.models import AccessLog
from sil.dossier.models import Education, WorkExperience
from sil.people import panels, timeline
from tests.dossier.factories import (
    ContractTypeFactory,
    EconomicActivityFactory,
    EducationFactory,
    EducationLevelFactory,
    LanguageSkillFactory,
    ProfessionFactory,
    WorkExperienceFactory,
)

pytestmark = pytest.mark.django_db


def _logged(user, obj, action="view"):
    return AccessLog.objects.filter(
        user=user, object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    ).count()


def test_dossier_page_scoped_and_logged(client, world):
    operator = world["operator_a"]
    client.force_login(operator)
    EducationFactory(person=world["a"], title="Laurea in Lettere")
    response = client.get(reverse("dossier:dossier_detail", args=[world["a"].pk]))
    assert response.status_code == 200
    assert "Laurea in Lettere" in response.content.decode()
    assert _logged(operator, world["a"]) == 1
    for name, extra in (
        ("dossier:dossier_detail", []),
        ("dossier:dossier_pdf", []),
        ("dossier:availability_edit", []),
        ("dossier:entry_create", ["titoli"]),
    ):
        assert client.get(reverse(name, args=[world["b"].pk, *extra])).status_code == 404


def test_rows_of_another_office_cannot_be_edited_through_own_person(client, world):
    other = EducationFactory(person=world["b"])
    client.force_login(world["operator_a"])
    url = reverse("dossier:entry_edit", args=[world["a"].pk, "titoli", other.pk])
    assert client.get(url).status_code == 404
    url = reverse("dossier:entry_delete", args=[world["a"].pk, "titoli", other.pk])
    assert client.post(url).status_code == 404
    assert Education.objects.filter(pk=other.pk).exists()


def test_unknown_section_is_404(client, world):
    client.force_login(world["operator_a"])
    url = reverse("dossier:entry_create", args=[world["a"].pk, "segreti"])
    assert client.get(url).status_code == 404


def test_add_edit_delete_education(client, world):
    level = EducationLevelFactory()
    person = world["a"]
    client.force_login(world["operator_a"])
    url = reverse("dossier:entry_create", args=[person.pk, "titoli"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "level": level.pk,
            "title": "Diploma di geometra",
            "year": "1999",
            "recognised_in_italy": "on",
        },
    )
    assert response.status_code == 302
    education = Education.objects.get(person=person)
    assert education.title == "Diploma di geometra" and education.year == 1999
    edit = reverse("dossier:entry_edit", args=[person.pk, "titoli", education.pk])
    page = client.get(edit)
    assert 'value="Diploma di geometra"' in page.content.decode()
    client.post(edit, {"level": level.pk, "title": "Diploma di geometra", "year": "2000"})
    education.refresh_from_db()
    assert education.year == 2000 and not education.recognised_in_italy
    delete = reverse("dossier:entry_delete", args=[person.pk, "titoli", education.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Education.objects.exists()


def test_work_experience_form_reads_codes_and_reports_errors(client, world):
    activity = EconomicActivityFactory()
    profession = ProfessionFactory()
    contract = ContractTypeFactory()
    person = world["a"]
    client.force_login(world["operator_a"])
    url = reverse("dossier:entry_create", args=[person.pk, "esperienze"])
    bad = client.post(
        url,
        {
            "employer_name": "Ditta",
            "economic_activity": "99.99.99",
            "start_date": "2020-05-01",
            "end_date": "2020-04-01",
        },
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "economic_activity" in errors
    assert not WorkExperience.objects.exists()
    bad = client.post(
        url, {"employer_name": "Ditta", "start_date": "2020-05-01", "end_date": "2020-04-01"}
    )
    assert bad.context["form"].errors == {"end_date": ["La fine non può precedere l'inizio."]}
    assert 'aria-invalid="true"' in bad.content.decode()
    good = client.post(
        url,
        {
            "employer_name": "Ditta",
            "employer_fiscal_code": " 01234567890 ",
            "economic_activity": "47.11.10",
            "profession": "5.1.2.2.0",
            "contract_type": contract.pk,
            "start_date": "2020-01-01",
            "weekly_hours": "20",
        },
    )
    assert good.status_code == 302
    experience = WorkExperience.objects.get()
    assert experience.economic_activity == activity and experience.profession == profession
    assert experience.employer_fiscal_code == "01234567890"
    edit = client.get(reverse("dossier:entry_edit", args=[person.pk, "esperienze", experience.pk]))
    assert 'value="47.11.10"' in edit.content.decode()


def test_language_form(client, world):
    person = world["a"]
    client.force_login(world["operator_a"])
    url = reverse("dossier:entry_create", args=[person.pk, "lingue"])
    from sil.classifications.models import LanguageLevel

    c1 = LanguageLevel.objects.get(code="C1")
    response = client.post(url, {"language": "fr", "understanding": c1.pk})
    assert response.status_code == 302
    assert person.language_skills.get().language == "fr"
    again = client.post(url, {"language": "fr"})
    assert "Questa lingua è già nel fascicolo." in again.content.decode()


def test_availability_form(client, world):
    contract = ContractTypeFactory()
    person = world["a"]
    client.force_login(world["operator_a"])
    url = reverse("dossier:availability_edit", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"contract_types": [contract.pk], "working_time": "part", "mobility_radius_km": "25"},
    )
    assert response.status_code == 302
    assert person.availability.mobility_radius_km == 25
    assert list(person.availability.contract_types.all()) == [contract]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_dossier_page_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    person = world["a"]
    client.force_login(world["operator_a"])
    url = reverse("dossier:dossier_detail", args=[person.pk])
    WorkExperienceFactory(person=person)
    EducationFactory(person=person)
    LanguageSkillFactory(person=person)
    _queries(client, url)  # warm up (first request of the session)
    one = _queries(client, url)
    for _ in range(5):
        WorkExperienceFactory(person=person)
        EducationFactory(person=person)
    assert _queries(client, url) == one
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


def test_panel_and_timeline_registered(rf, world):
    person = world["a"]
    EducationFactory(person=person, year=2001, title="Diploma")
    WorkExperienceFactory(person=person)
    request = rf.get("/")
    request.user = world["operator_a"]
    keys = [item["panel"].key for item in panels.panels_for(request, person)]
    assert "fascicolo" in keys
    events = [e for e in timeline.timeline(person) if e.kind in ("education", "work")]
    titles = [e.title for e in events]
    assert titles == [
        "Fine lavoro presso Supermercati Partenopei srl",
        "Inizio lavoro presso Supermercati Partenopei srl",
        "Titolo di studio: Diploma",
    ]


def test_person_page_shows_the_dossier_panel(client, world):
    WorkExperienceFactory(person=world["a"], employer_name="Pizzeria Da Ciro")
    client.force_login(world["operator_a"])
    response = client.get(reverse("people:person_detail", args=[world["a"].pk]))
    assert response.status_code == 200
    assert "Pizzeria Da Ciro" in response.content.decode()


def test_pdf_download(client, world):
    person = world["a"]
    WorkExperienceFactory(person=person)
    EducationFactory(person=person)
    client.force_login(world["operator_a"])
    response = client.get(reverse("dossier:dossier_pdf", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="fascicolo-{person.fiscal_code}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000
    assert _logged(world["operator_a"], person, action="print") == 1


def test_print_template_shows_every_section_without_missing_values(world):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from sil.dossier.sap import sap_document
    from sil.people.models import Person

    person = Person.objects.with_places().get(pk=world["a"].pk)
    WorkExperienceFactory(person=person, employer_name="Pizzeria Da Ciro", profession=None)
    LanguageSkillFactory(person=person, speaking=None)
    html = render_to_string(
        "dossier/dossier_print.html",
        {"person": person, "sap": sap_document(person), "printed_at": timezone.now()},
    )
    assert "!!MISSING" not in html
    for text in ("Esposito Anna", person.fiscal_code, "Pizzeria Da Ciro", "EN B2/-/B1"):
        assert text in html
    for title in ("1. Dati anagrafici", "2. Dati amministrativi", "4. Esperienze", "6. Politiche"):
        assert title in html
