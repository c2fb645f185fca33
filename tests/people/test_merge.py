import datetime as dt

import pghistory.models
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sil.accounts.models import Role
from sil.core import fiscal_code as cf
from sil.did.actions import do_declare_did
from sil.did.models import Did, DidChannel
from sil.dossier.actions import do_add_education, do_set_availability
from sil.dossier.models import Availability, Education
from sil.people.actions import do_record_consent
from sil.people.merge import do_merge_people, do_undo_merge, person_relations
from sil.people.models import ConsentKind, Person, PersonMerge, PrivacyConsent
from tests.dossier.factories import EducationLevelFactory
from tests.factories import OfficeFactory, PersonFactory, UserFactory, two_cpi_world

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def world():
    data = two_cpi_world()
    a = data["a"]
    # The same woman registered twice, with a misspelt surname.
    data["dup"] = PersonFactory(
        last_name="Esposto",
        first_name=a.first_name,
        sex=a.sex,
        birth_date=a.birth_date,
        birth_municipality=a.birth_municipality,
        residence_municipality=a.residence_municipality,
        competent_office=data["cpi_a"],
        # An omocodic variant of the first registration's code.
        fiscal_code=sorted(set(cf.omocodic_variants(a.fiscal_code)) - {a.fiscal_code})[0],
    )
    data["manager_a"] = UserFactory(operator_of=data["cpi_a"], role=Role.CPI_MANAGER)
    data["operator_a"] = UserFactory(operator_of=data["cpi_a"])
    data["regional"] = UserFactory(regional=True)
    return data


def _snapshot(person):
    return {
        "dids": set(Did.objects.filter(person=person).values_list("pk", flat=True)),
        "educations": set(Education.objects.filter(person=person).values_list("pk", flat=True)),
        "consents": set(PrivacyConsent.objects.filter(person=person).values_list("pk", flat=True)),
        "availability": set(
            Availability.objects.filter(person=person).values_list("pk", flat=True)
        ),
    }


def _fill(world):
    a, dup = world["a"], world["dup"]
    level = EducationLevelFactory()
    do_declare_did(dup, DAY, DidChannel.CPI)
    do_add_education(dup, {"level": level, "title": "Diploma", "year": 2001})
    do_add_education(a, {"level": level, "title": "Laurea", "year": 2006})
    do_record_consent(dup, ConsentKind.PRIVACY_NOTICE, given=True)
    do_record_consent(a, ConsentKind.DIGITAL_CONTACT, given=False)
    do_set_availability(dup, {"shifts": True})


def test_relations_cover_other_apps_and_skip_history():
    labels = {model._meta.label_lower for model, _field in person_relations()}
    assert {"did.did", "dossier.education", "dossier.availability"} <= labels
    assert {"people.privacyconsent", "people.fiscalcodechange"} <= labels
    assert "people.personmerge" not in labels
    assert not any(label.endswith("event") and "people" in label for label in labels)


def test_merge_moves_rows_and_undo_restores_them_exactly(world):
    _fill(world)
    a, dup, manager = world["a"], world["dup"], world["manager_a"]
    before_a, before_dup = _snapshot(a), _snapshot(dup)

    merge = do_merge_people(a, dup, by=manager, reason="Doppia registrazione allo sportello")

    after_a, after_dup = _snapshot(a), _snapshot(dup)
    for key in before_a:
        assert after_a[key] == before_a[key] | before_dup[key]
        assert after_dup[key] == set()
    dup.refresh_from_db()
    assert dup.merged_into == a
    moved = {entry["model"]: set(entry["ids"]) for entry in merge.moved}
    assert moved["did.did"] == before_dup["dids"]
    assert moved["dossier.education"] == before_dup["educations"]
    assert moved["people.privacyconsent"] == before_dup["consents"]
    assert merge.merged_by == manager
    assert Person.objects.filter(pk=dup.pk).exists()  # never deleted

    do_undo_merge(merge, by=world["regional"])

    assert _snapshot(a) == before_a
    assert _snapshot(dup) == before_dup
    dup.refresh_from_db()
    merge.refresh_from_db()
    assert dup.merged_into is None
    assert merge.undone_at is not None and merge.undone_by == world["regional"]
    with pytest.raises(ValidationError):
        do_undo_merge(merge)


def test_merge_refuses_self(world):
    with pytest.raises(ValidationError):
        do_merge_people(world["a"], world["a"], reason="x")
    assert not PersonMerge.objects.exists()


def test_merge_requires_reason(world):
    with pytest.raises(ValidationError):
        do_merge_people(world["a"], world["dup"], reason="  ")
    assert not PersonMerge.objects.exists()


def test_merge_refuses_already_merged(world):
    do_merge_people(world["a"], world["dup"], reason="doppione")
    third = PersonFactory(competent_office=world["cpi_a"])
    with pytest.raises(ValidationError) as error:
        do_merge_people(third, world["dup"], reason="ancora")
    assert error.value.code == "already_merged"
    with pytest.raises(ValidationError):
        do_merge_people(world["dup"], third, reason="al contrario")
    assert PersonMerge.objects.count() == 1


def test_merge_refuses_two_open_dids_and_writes_nothing(world):
    a, dup = world["a"], world["dup"]
    do_declare_did(a, DAY, DidChannel.CPI)
    do_declare_did(dup, DAY, DidChannel.CPI)
    do_record_consent(dup, ConsentKind.PRIVACY_NOTICE, given=True)
    before_a, before_dup = _snapshot(a), _snapshot(dup)
    with pytest.raises(ValidationError) as error:
        do_merge_people(a, dup, reason="doppione")
    assert "«DID»" in " ".join(error.value.messages)
    assert [item.code for item in error.value.error_list] == ["conflict"]
    assert _snapshot(a) == before_a and _snapshot(dup) == before_dup
    dup.refresh_from_db()
    assert dup.merged_into is None
    assert not PersonMerge.objects.exists()


def test_merge_refuses_two_availabilities(world):
    do_set_availability(world["a"], {"shifts": False})
    do_set_availability(world["dup"], {"shifts": True})
    with pytest.raises(ValidationError) as error:
        do_merge_people(world["a"], world["dup"], reason="doppione")
    assert [item.code for item in error.value.error_list] == ["conflict"]
    assert Availability.objects.get(person=world["dup"]).shifts is True


def test_merged_person_leaves_search_and_list(client, world):
    a, dup, operator = world["a"], world["dup"], world["operator_a"]
    assert Person.objects.search(dup.fiscal_code).filter(pk=dup.pk).exists()
    do_merge_people(a, dup, reason="doppione")
    assert not Person.objects.search(dup.fiscal_code).filter(pk=dup.pk).exists()
    assert Person.objects.search(dup.fiscal_code).filter(pk=a.pk).exists()
    assert not Person.objects.search("Esposto").filter(pk=dup.pk).exists()
    assert not Person.objects.for_operator(operator).filter(pk=dup.pk).exists()
    client.force_login(operator)
    response = client.get(reverse("people:person_list"))
    assert {p.pk for p in response.context["page"].object_list} == {a.pk}
    assert client.get(reverse("people:person_detail", args=[dup.pk])).status_code == 404


def test_history_records_merge_and_undo(world):
    _fill(world)
    manager = world["manager_a"]
    merge = do_merge_people(world["a"], world["dup"], by=manager, reason="doppione")
    do_undo_merge(merge, by=manager)
    events = pghistory.models.Events.objects.filter(
        pgh_model="people.PersonMergeEvent", pgh_obj_id=merge.pk
    ).order_by("pgh_created_at")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    contexts = [e.pgh_context["action"] for e in events]
    assert contexts == ["merge_people", "undo_merge_people"]
    person_events = pghistory.models.Events.objects.filter(
        pgh_model="people.PersonEvent", pgh_obj_id=world["dup"].pk, pgh_label="update"
    )
    assert person_events.count() == 2
    did_updates = pghistory.models.Events.objects.filter(
        pgh_model="did.DidHistory", pgh_label="update"
    )
    assert did_updates.count() >= 2


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CPI_OPERATOR, False),
        (Role.TARGETED_OPERATOR, False),
        (Role.AUDITOR, False),
        (Role.CPI_MANAGER, True),
        (Role.REGION, True),
        (Role.ADMIN, True),
    ],
)
def test_duplicates_page_roles(client, world, role, allowed):
    office = world["cpi_a"] if role != Role.REGION else OfficeFactory(region=True)
    user = UserFactory(operator_of=office, role=role)
    client.force_login(user)
    url = reverse("people:person_duplicates", args=[world["a"].pk])
    response = client.get(url)
    assert response.status_code == (200 if allowed else 403)
    detail = client.get(reverse("people:person_detail", args=[world["a"].pk]))
    assert (url in detail.content.decode()) is allowed
    response = client.post(url, {"duplicate": world["dup"].pk, "reason": "doppione"})
    assert response.status_code == (302 if allowed else 403)
    assert PersonMerge.objects.exists() is allowed


def test_merge_and_undo_through_pages(client, world, django_assert_max_num_queries):
    _fill(world)
    client.force_login(world["manager_a"])
    url = reverse("people:person_duplicates", args=[world["a"].pk])
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert world["dup"].fiscal_code in response.content.decode()
    assert [c["person"].pk for c in response.context["candidates"]] == [world["dup"].pk]

    response = client.post(url, {"duplicate": world["dup"].pk, "reason": ""})
    assert response.status_code == 200
    assert not PersonMerge.objects.exists()

    response = client.post(url, {"duplicate": world["dup"].pk, "reason": "Stessa persona"})
    merge = PersonMerge.objects.get()
    assert response.url == reverse("people:person_merge_detail", args=[merge.pk])
    assert Education.objects.filter(person=world["a"]).count() == 2
    with django_assert_max_num_queries(12):
        page = client.get(response.url)
    assert "Annulla unione" in page.content.decode()

    client.post(response.url)
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert Education.objects.filter(person=world["dup"]).count() == 1
    assert "Annulla unione" not in client.get(response.url).content.decode()


def test_manager_cannot_merge_people_of_another_office(client, world):
    client.force_login(world["manager_a"])
    url = reverse("people:person_duplicates", args=[world["b"].pk])
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("people:person_duplicates", args=[world["a"].pk]),
        {"duplicate": world["b"].pk, "reason": "doppione"},
    )
    assert response.status_code == 200
    assert not PersonMerge.objects.exists()
