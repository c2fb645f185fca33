import datetime as dt

import pytest
from rest_framework.test import APIClient

from sil.core.models import AccessLog
from sil.dossier.models import Education
from sil.services.actions import do_add_policy_event, do_assess_gol
from sil.services.models import GolPath, PolicyEventCode
from tests.dossier.factories import (
    ContractTypeFactory,
    EducationFactory,
    EducationLevelFactory,
    LanguageSkillFactory,
    WorkExperienceFactory,
)
from tests.services.factories import PolicyFactory, ProfilingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["operator_a"])
    return client


def test_sections_are_scoped_and_filtered(api, world):
    mine = EducationFactory(person=world["a"])
    EducationFactory(person=world["b"])
    response = api.get("/api/v1/dossier/education/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/dossier/education/?person={world['b'].pk}").json()["count"] == 0
    assert AccessLog.objects.filter(
        object_type="dossier.education", object_id=str(mine.pk), action="api_list"
    ).exists()


def test_create_through_the_api_uses_the_actions(api, world):
    level = EducationLevelFactory()
    response = api.post(
        "/api/v1/dossier/education/",
        {"person": world["a"].pk, "level": level.pk, "title": "Laurea", "year": 2010},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Education.objects.get(pk=response.json()["id"]).title == "Laurea"
    other = api.post(
        "/api/v1/dossier/education/",
        {"person": world["b"].pk, "level": level.pk, "title": "Laurea"},
        format="json",
    )
    assert other.status_code == 400 and "person" in other.json()
    bad = api.post(
        "/api/v1/dossier/work-experiences/",
        {
            "person": world["a"].pk,
            "employer_name": "Ditta",
            "start_date": "2020-05-01",
            "end_date": "2020-01-01",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"end_date": ["La fine non può precedere l'inizio."]}


def test_availability_api(api, world):
    contract = ContractTypeFactory()
    response = api.post(
        "/api/v1/dossier/availability/",
        {"person": world["a"].pk, "contract_types": [contract.pk], "working_time": "full"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["contract_types"] == [contract.pk]


def test_sap_export_shape(api, world):
    person = world["a"]
    WorkExperienceFactory(person=person)
    EducationFactory(person=person)
    LanguageSkillFactory(person=person)
    profiling = ProfilingFactory(person=person)
    do_assess_gol(
        person,
        {
            "path": GolPath.objects.get(number=1),
            "profiling": profiling,
            "decided_on": dt.date(2024, 2, 2),
        },
    )
    policy = PolicyFactory(person=person, policy_id="08008B3B94B")
    do_add_policy_event(
        policy, {"code": PolicyEventCode.objects.get(code="02"), "date": policy.start_date}
    )
    response = api.get(f"/api/v1/people/{person.pk}/sap/")
    assert response.status_code == 200
    sap = response.json()
    assert list(sap) == [
        "formato",
        "dati_anagrafici",
        "dati_amministrativi",
        "esperienze_lavoro",
        "informazioni_curriculari",
        "politiche_attive",
    ]
    anagrafica = sap["dati_anagrafici"]
    assert anagrafica["codice_fiscale"] == person.fiscal_code
    assert anagrafica["cognome"] == "Esposito" and anagrafica["sesso"] == "M"
    assert anagrafica["cpi_competente"]["denominazione"] == "CPI A"
    assert sap["dati_amministrativi"]["profilazione"]["indice"] == "0.73210"
    assert sap["dati_amministrativi"]["percorso_gol"]["percorso"] == 1
    experience = sap["esperienze_lavoro"][0]
    assert experience["datore_lavoro"]["codice_fiscale"] == "01234567890"
    assert experience["datore_lavoro"]["ateco"]["codice"] == "47.11.10"
    assert experience["qualifica"]["codice"] == "5.1.2.2.0"
    assert experience["data_inizio"] == "2015-03-01"
    curriculum = sap["informazioni_curriculari"]
    assert curriculum["lingue"] == [
        {"lingua": "en", "comprensione": "B2", "parlato": "B1", "scritto": "B1"}
    ]
    assert curriculum["titoli_studio"][0]["anno"] == 2001
    assert curriculum["disponibilita"] is None
    assert sap["politiche_attive"][0]["id_politica"] == "08008B3B94B"
    assert sap["politiche_attive"][0]["ultimo_evento"]["codice"] == "02"
    assert (
        AccessLog.objects.filter(
            object_type="people.person", object_id=str(person.pk), action="export"
        ).count()
        == 1
    )


def test_sap_export_of_another_office_is_404_and_not_logged(api, world):
    response = api.get(f"/api/v1/people/{world['b'].pk}/sap/")
    assert response.status_code == 404
    assert not AccessLog.objects.filter(object_id=str(world["b"].pk), action="export").exists()


def test_services_api(api, world):
    policy = PolicyFactory(person=world["a"])
    PolicyFactory(person=world["b"])
    assert [p["id"] for p in api.get("/api/v1/policies/").json()["results"]] == [policy.pk]
    bad = api.post(
        "/api/v1/policy-events/",
        {"policy": policy.pk, "code": "10", "date": "2017-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and "date" in bad.json()
    good = api.post(
        "/api/v1/policy-events/",
        {"policy": policy.pk, "code": "10", "date": "2017-03-31"},
        format="json",
    )
    assert good.status_code == 201, good.json()
    assert api.patch(f"/api/v1/policy-events/{good.json()['id']}/", {}).status_code == 405
    profiling = api.post(
        "/api/v1/profilings/",
        {
            "person": world["a"].pk,
            "index": "0.41",
            "model_version": "GOL-2022",
            "profiled_on": "2024-03-01",
        },
        format="json",
    )
    assert profiling.status_code == 201, profiling.json()
    gol = api.post(
        "/api/v1/gol-assessments/",
        {"person": world["a"].pk, "path": 3, "decided_on": "2024-03-02", "override": True},
        format="json",
    )
    assert gol.status_code == 400 and "override_reason" in gol.json()
