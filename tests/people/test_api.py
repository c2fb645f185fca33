import pytest

from sil.core.models import AccessLog
from sil.people.models import Person
from tests.factories import OfficeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/people/"


@pytest.fixture
def world():
    cpi_a, cpi_b = OfficeFactory(), OfficeFactory()
    return {
        "a": PersonFactory(last_name="Esposito", competent_office=cpi_a),
        "b": PersonFactory(last_name="Russo", competent_office=cpi_b),
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "operator_a": UserFactory(operator_of=cpi_a),
        "regional": UserFactory(regional=True),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_operator_of_a_cannot_see_person_of_b(client, world):
    client.force_login(world["operator_a"])
    assert ids(client.get(LIST)) == {world["a"].pk}
    assert client.get(f"{LIST}{world['b'].pk}/").status_code == 404
    body = client.get(f"{LIST}{world['a'].pk}/").json()
    assert body["fiscal_code"] == world["a"].fiscal_code
    assert body["competent_office"] == world["cpi_a"].pk


def test_region_user_sees_both_and_can_filter(client, world):
    client.force_login(world["regional"])
    assert ids(client.get(LIST)) == {world["a"].pk, world["b"].pk}
    assert ids(client.get(LIST, {"office": world["cpi_b"].pk})) == {world["b"].pk}
    assert ids(client.get(LIST, {"q": "russo"})) == {world["b"].pk}
    assert client.get(f"{LIST}{world['b'].pk}/").status_code == 200


def test_reads_are_logged(client, world):
    client.force_login(world["regional"])
    client.get(LIST)
    client.get(f"{LIST}{world['a'].pk}/")
    rows = AccessLog.objects.filter(user_id=world["regional"].pk)
    assert sorted(rows.values_list("action", "object_id")) == sorted(
        [
            ("api_list", str(world["a"].pk)),
            ("api_list", str(world["b"].pk)),
            ("api", str(world["a"].pk)),
        ]
    )


def test_api_refuses_delete(client, world):
    client.force_login(world["regional"])
    response = client.delete(f"{LIST}{world['a'].pk}/")
    assert response.status_code == 405
    assert Person.objects.filter(pk=world["a"].pk).exists()


def test_non_operators_and_anonymous_get_nothing(client, world):
    assert client.get(LIST).status_code in (401, 403)
    client.force_login(UserFactory(citizen=True))
    assert ids(client.get(LIST)) == set()
