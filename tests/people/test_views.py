import datetime as dt

import pytest
from django.urls import reverse

from sil.core.models import AccessLog
from sil.people.models import Person
from sil.people.synthetic import fiscal_code_for
from tests.factories import (
    CompetenceFactory,
    MunicipalityFactory,
    OfficeFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    naples = MunicipalityFactory(naples=True)
    salerno = MunicipalityFactory(salerno=True)
    cpi_a, cpi_b = OfficeFactory(name="CPI A"), OfficeFactory(name="CPI B")
    CompetenceFactory(office=cpi_a, municipality=naples)
    CompetenceFactory(office=cpi_b, municipality=salerno)
    person_a = PersonFactory(
        last_name="Esposito",
        first_name="Anna",
        competent_office=cpi_a,
        residence_municipality=naples,
    )
    person_b = PersonFactory(
        last_name="Russo", first_name="Luca", competent_office=cpi_b, residence_municipality=salerno
    )
    return {
        "naples": naples,
        "salerno": salerno,
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "a": person_a,
        "b": person_b,
        "operator_a": UserFactory(operator_of=cpi_a),
        "regional": UserFactory(regional=True),
    }


def listed(response):
    return {p.pk for p in response.context["page"].object_list}


def test_operator_sees_only_people_of_own_office(client, world):
    client.force_login(world["operator_a"])
    response = client.get(reverse("people:person_list"))
    assert response.status_code == 200
    assert listed(response) == {world["a"].pk}
    assert world["b"].fiscal_code not in response.content.decode()
    for name in ("people:person_detail", "people:person_edit"):
        assert client.get(reverse(name, args=[world["b"].pk])).status_code == 404
        assert client.get(reverse(name, args=[world["a"].pk])).status_code == 200


def test_region_user_sees_both(client, world):
    client.force_login(world["regional"])
    response = client.get(reverse("people:person_list"))
    assert listed(response) == {world["a"].pk, world["b"].pk}
    assert client.get(reverse("people:person_detail", args=[world["b"].pk])).status_code == 200
    filtered = client.get(reverse("people:person_list"), {"office": world["cpi_b"].pk})
    assert listed(filtered) == {world["b"].pk}


def test_operator_cannot_pick_another_office_in_the_filter(client, world):
    client.force_login(world["operator_a"])
    response = client.get(reverse("people:person_list"), {"office": world["cpi_b"].pk})
    assert response.context["form"].errors
    assert listed(response) == {world["a"].pk}


def test_detail_writes_the_access_log(client, world):
    operator = world["operator_a"]
    client.force_login(operator)
    response = client.get(reverse("people:person_detail", args=[world["a"].pk]))
    assert response.status_code == 200
    assert world["a"].fiscal_code in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user_id, log.action, log.object_type, log.object_id) == (
        operator.pk,
        "view",
        "people.person",
        str(world["a"].pk),
    )
    response = client.get(reverse("people:person_detail", args=[world["b"].pk]))
    assert response.status_code == 404
    assert world["b"].fiscal_code not in response.content.decode()
    denied = AccessLog.objects.exclude(pk=log.pk).get()  # the attempt is logged as refused
    assert (denied.user_id, denied.object_id, denied.action) == (
        operator.pk,
        str(world["b"].pk),
        "denied",
    )


def test_list_logs_the_people_shown(client, world):
    client.force_login(world["regional"])
    client.get(reverse("people:person_list"))
    logged = AccessLog.objects.filter(action="list")
    assert set(logged.values_list("object_id", flat=True)) == {
        str(world["a"].pk),
        str(world["b"].pk),
    }


def test_search_by_fiscal_code_and_surname(client, world):
    client.force_login(world["regional"])
    url = reverse("people:person_list")
    assert listed(client.get(url, {"q": world["b"].fiscal_code[:9].lower()})) == {world["b"].pk}
    assert listed(client.get(url, {"q": "esposi"})) == {world["a"].pk}
    assert listed(client.get(url, {"q": "Espositto"})) == {world["a"].pk}  # trigram
    assert listed(client.get(url, {"q": "russo luca"})) == {world["b"].pk}
    assert listed(client.get(url, {"q": "Bianchi"})) == set()


def test_list_paginates_with_bounded_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["regional"])
    url = reverse("people:person_list")
    client.get(url)  # warm the session (MFA check cached in it)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    PersonFactory.create_batch(
        40, competent_office=world["cpi_a"], residence_municipality=world["naples"]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 17
    html = response.content.decode()
    assert 'class="pagination"' in html
    assert 'aria-current="page"' in html


def test_non_operators_are_refused(client, world):
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("people:person_list")).status_code == 403
    client.logout()
    response = client.get(reverse("people:person_list"))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def form_data(world, **extra):
    code = fiscal_code_for(
        last_name="De Luca",
        first_name="Giovanna",
        sex="F",
        birth_date=dt.date(1990, 4, 2),
        cadastral_code="F839",
    )
    values = {
        "fiscal_code": code,
        "last_name": "De Luca",
        "first_name": "Giovanna",
        "sex": "",
        "birth_date": "",
        "citizenship": "IT",
        "residence_municipality": "Napoli (NA)",
        "residence_address": "Via Roma 10",
        "domicile_municipality": "",
        "domicile_address": "",
        "email": "",
        "phone": "",
    }
    values.update(extra)
    return values


def test_create_registers_and_redirects(client, world):
    client.force_login(world["operator_a"])
    response = client.post(reverse("people:person_create"), form_data(world))
    person = Person.objects.get(last_name="De Luca")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[person.pk])
    assert person.competent_office == world["cpi_a"]
    assert (person.sex, person.birth_date) == ("F", dt.date(1990, 4, 2))
    assert person.birth_municipality == world["naples"]


def test_create_shows_warnings(client, world):
    client.force_login(world["operator_a"])
    response = client.post(reverse("people:person_create"), form_data(world, sex="M"), follow=True)
    assert "Il sesso dichiarato non corrisponde" in response.content.decode()


def test_create_shows_field_errors_accessibly(client, world):
    client.force_login(world["operator_a"])
    bad = form_data(world, fiscal_code="RSSMRA79B11C566A", residence_municipality="Atlantide")
    response = client.post(reverse("people:person_create"), bad)
    assert response.status_code == 200
    assert not Person.objects.filter(last_name="De Luca").exists()
    html = response.content.decode()
    assert 'aria-describedby="id_fiscal_code_helptext id_fiscal_code_error"' in html
    assert 'id="id_fiscal_code_error"' in html
    assert 'aria-invalid="true"' in html
    assert "is-invalid" in html
    assert "Comune non trovato" in html
    assert "carattere di controllo" in html


def test_create_refuses_a_registered_code(client, world):
    client.force_login(world["operator_a"])
    response = client.post(
        reverse("people:person_create"), form_data(world, fiscal_code=world["b"].fiscal_code)
    )
    assert response.status_code == 200
    assert "già registrata presso un altro ufficio" in response.content.decode()
    assert Person.objects.count() == 2


def test_create_outside_own_office_goes_back_to_the_list(client, world):
    client.force_login(world["operator_a"])
    response = client.post(
        reverse("people:person_create"), form_data(world, residence_municipality="H703")
    )
    assert response["Location"] == reverse("people:person_list")
    assert Person.objects.get(last_name="De Luca").competent_office == world["cpi_b"]


def test_edit_changes_data_but_not_the_code(client, world):
    person = world["a"]
    client.force_login(world["operator_a"])
    url = reverse("people:person_edit", args=[person.pk])
    response = client.get(url)
    assert 'value="Napoli (NA)"' in response.content.decode()
    values = form_data(
        world,
        fiscal_code="12345678901",
        last_name=person.last_name,
        first_name=person.first_name,
        sex=person.sex,
        birth_date=person.birth_date.isoformat(),
        phone="081 555 1234",
    )
    response = client.post(url, values)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+390815551234"
    assert person.fiscal_code == world["a"].fiscal_code


def test_edit_of_another_office_is_refused(client, world):
    client.force_login(world["operator_a"])
    url = reverse("people:person_edit", args=[world["b"].pk])
    assert client.post(url, form_data(world)).status_code == 404
