"""Query parameters are validated before they reach the database: a wrong value is a 400 with
the parameter's name and an Italian message, never a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from drf_spectacular.generators import SchemaGenerator

from sil.accounts.models import Role
from sil.core.api import do_issue_api_token
from sil.core.params import parse_day, parse_id
from tests.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

JUNK = [
    "abc",
    "1.5",
    "-1",
    "1e3",
    "99999999999999999999999",
    "2026-13-45",
    "' OR 1=1 --",
    "ü" * 300,
]


@pytest.fixture
def operator():
    return UserFactory(operator_of=OfficeFactory(), role=Role.CPI_OPERATOR)


def auth(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {do_issue_api_token(user.email)}"}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/vacancies/?office=abc", "office"),
        ("/api/v1/vacancies/?employer=1.5", "employer"),
        ("/api/v1/vacancies/?state=nope", "state"),
        ("/api/v1/employers/?municipality=x", "municipality"),
        ("/api/v1/slots/?date=2026-02-30", "date"),
        ("/api/v1/campaign-reception/", "office"),
    ],
)
def test_a_wrong_filter_is_a_400_with_the_field(client, operator, url, field):
    response = client.get(url, **auth(operator))
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]  # an Italian message, not a code


def test_the_message_says_what_is_expected(client, operator):
    response = client.get("/api/v1/vacancies/?office=abc&employer=1.5", **auth(operator))
    assert response.json() == {
        "office": ["Indicare un numero intero non inferiore a 0."],
        "employer": ["Indicare un numero intero non inferiore a 0."],
    }


def test_a_detail_ignores_the_list_filters(client, operator):
    response = client.get("/api/v1/vacancies/1/?office=abc", **auth(operator))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/employers/?q=%00",
        "/api/v1/people/?q=a%00b",
        "/api/v1/offices/?%00=1",
        "/operatori/offerte/?employer=%00",
    ],
)
def test_a_nul_character_in_the_query_is_a_400(client, operator, url):
    client.force_login(operator)
    response = client.get(url, **auth(operator))
    assert response.status_code == 400
    assert "caratteri nulli" in response.content.decode()


def _documented_query_parameters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                yield path, parameter["name"]


@pytest.mark.parametrize("role", ["operator", "region"])
def test_junk_in_every_documented_query_parameter_is_never_a_server_error(client, role):
    user = (
        UserFactory(operator_of=OfficeFactory(), role=Role.CPI_OPERATOR)
        if role == "operator"
        else UserFactory(regional=True)
    )
    headers = auth(user)
    client.raise_request_exception = False
    tried, errors = 0, []
    for path, name in _documented_query_parameters():
        url = path.replace("{", "").replace("}", "")  # path ids become words: a 404 is fine
        url = "/".join("1" if part.endswith("id") else part for part in url.split("/"))
        for value in JUNK:
            response = client.get(url, {name: value}, **headers)
            tried += 1
            if response.status_code >= 500:
                errors.append(f"{url}?{name}={value[:20]} → {response.status_code}")
    assert tried > 200
    assert errors == []


def test_parse_day_takes_only_days_that_exist():
    assert parse_day("2026-02-28") == dt.date(2026, 2, 28)
    for junk in ("2026-02-30", "2026-13-45", "ieri", ""):
        assert parse_day(junk) is None, junk


def test_parse_id_takes_only_ascii_digits_in_the_bigint_range():
    assert parse_id("42") == 42
    assert parse_id(7) == 7
    for junk in ("²", "٣", "-1", "1.5", "", "abc", str(2**63)):
        assert parse_id(junk) is None, junk


@pytest.mark.parametrize(
    "url",
    [
        "/operatori/rose/?vacancy=%C2%B2",
        "/operatori/offerte/nuova/?employer=%C2%B2",
        "/operatori/rose/?vacancy=99999999999999999999999",
        "/api/v1/people/%C2%B2/",
        "/operatori/agende/uffici/{office}/settimana/?da=2026-13-45",
        "/operatori/agende/uffici/{office}/giorno/?data=2026-02-30",
    ],
)
def test_pages_take_ids_and_days_from_the_query_without_a_server_error(client, url):
    url = url.format(office=OfficeFactory().code)
    user = UserFactory(regional=True)
    client.force_login(user)
    response = client.get(url, **auth(user))
    assert response.status_code in (200, 404)
