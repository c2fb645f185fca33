"""Search of the registry: CF with omocodic variants, names without accents or with typos,
telephone, e-mail; scoped by office; the list page's queries are locked."""

import pytest
from django.urls import reverse

from sil.core import fiscal_code as cf
from sil.people.models import Person
from tests.factories import OfficeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    cpi_a, cpi_b = OfficeFactory(name="CPI A"), OfficeFactory(name="CPI B")
    return {
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "nicolo": PersonFactory(
            last_name="Niccolò", first_name="Mattèo", competent_office=cpi_a, phone="+393331234567"
        ),
        "russo": PersonFactory(
            last_name="Russo", first_name="Luca", competent_office=cpi_b, email="luca@esempio.it"
        ),
        "bianchi": PersonFactory(last_name="Bianchi", first_name="Carla", competent_office=cpi_a),
    }


def found(text):
    return set(Person.objects.search(text).values_list("last_name", flat=True))


def test_any_omocodic_variant_finds_the_person(people):
    code = people["russo"].fiscal_code
    variants = list(cf.omocodic_variants(code))
    for variant in (variants[1], variants[64], variants[127]):
        assert found(variant) == {"Russo"}
    assert found(code.lower()) == {"Russo"}


def test_omocodic_person_found_by_the_base_code(people):
    omocodic = cf.omocodic_variant(people["bianchi"].fiscal_code, 2)
    Person.objects.filter(pk=people["bianchi"].pk).update(fiscal_code=omocodic)
    assert found(cf.base_code(omocodic)) == {"Bianchi"}


def test_partial_code_is_a_prefix(people):
    assert found(people["russo"].fiscal_code[:8]) == {"Russo"}


def test_names_without_accents_and_with_typos(people):
    assert found("niccolo") == {"Niccolò"}
    assert found("NICCOLÒ matteo") == {"Niccolò"}
    assert found("Rusoo") == {"Russo"}  # typo: trigram similarity
    assert found("Bianci Carla") == {"Bianchi"}
    assert found("Verdi") == set()


def test_phone_and_email(people):
    assert found("333 123 4567") == {"Niccolò"}
    assert found("+39 333-1234567") == {"Niccolò"}
    assert found("LUCA@esempio.it") == {"Russo"}
    assert found("333 000 0000") == set()


def test_search_is_scoped_and_filtered(client, people):
    operator = UserFactory(operator_of=people["cpi_a"])
    client.force_login(operator)
    url = reverse("people:person_list")
    response = client.get(url, {"q": people["russo"].fiscal_code})
    assert list(response.context["page"].object_list) == []
    response = client.get(url, {"q": "niccolo"})
    assert [p.pk for p in response.context["page"].object_list] == [people["nicolo"].pk]


def test_search_page_queries_do_not_grow(client, people, django_assert_max_num_queries):
    client.force_login(UserFactory(regional=True))
    url = reverse("people:person_list")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"q": "Bianchi"})
    PersonFactory.create_batch(30, last_name="Bianchi", competent_office=people["cpi_a"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"q": "Bianchi"})
    assert len(response.context["page"].object_list) == 25


def test_people_sharing_a_base_code(people):
    from sil.people.queries import people_sharing_base_code

    base = people["russo"].fiscal_code
    twin = PersonFactory(fiscal_code=cf.omocodic_variant(base, 1), competent_office=None)
    found_ids = set(
        people_sharing_base_code(cf.omocodic_variant(base, 3)).values_list("pk", flat=True)
    )
    assert found_ids == {people["russo"].pk, twin.pk}
    assert not people_sharing_base_code("nonsense").exists()
