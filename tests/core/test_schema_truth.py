"""What the OpenAPI schema says matches what the API answers (the details schemathesis found)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from sil.accounts.models import Role
from sil.core.api import do_issue_api_token
from tests.factories import OfficeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_declares_the_errors_it_may_answer(schema):
    missing = []
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        expected = {"400", "401", "403", "429"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected.add("415")
        if not expected <= codes:
            missing.append(f"{method.upper()} {path}: {sorted(expected - codes)}")
    assert missing == []
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert detail["required"] == ["detail"]


def _component(schema, name):
    return schema["components"]["schemas"][name]["properties"]


def _enum_or_blank(schema, prop):
    refs = [item["$ref"].rsplit("/", 1)[-1] for item in prop.get("oneOf", [])]
    return "BlankEnum" in refs and schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_nullable_and_blank_values_are_declared(schema):
    assert _component(schema, "Office")["parent_code"]["nullable"] is True
    assert _enum_or_blank(schema, _component(schema, "Convocation")["outcome"])
    assert _enum_or_blank(schema, _component(schema, "DidEvent")["income_kind"])


def _ok(schema, path, method="get"):
    return schema["paths"][path][method]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]


def test_consents_and_fiscal_code_changes_are_plain_lists(schema, client):
    for path in ("/api/v1/people/{id}/consents/", "/api/v1/people/{id}/fiscal-code-changes/"):
        assert _ok(schema, path)["type"] == "array"
    operator = UserFactory(operator_of=OfficeFactory(), role=Role.CPI_OPERATOR)
    person = PersonFactory(competent_office=operator.memberships.get().office)
    headers = {"HTTP_AUTHORIZATION": f"Token {do_issue_api_token(operator.email)}"}
    for suffix in ("consents", "fiscal-code-changes"):
        response = client.get(f"/api/v1/people/{person.pk}/{suffix}/", **headers)
        assert response.status_code == 200
        assert isinstance(response.json(), list)


def test_search_filters_are_documented(schema):
    for path in ("/api/v1/people/", "/api/v1/employers/", "/api/v1/jobs/"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert "q" in names, path


def test_shortlist_detail_carries_its_candidate_count(schema):
    detail = _ok(schema, "/api/v1/shortlists/{id}/")["$ref"].rsplit("/", 1)[-1]
    assert "candidates" in schema["components"]["schemas"][detail]["required"]


def test_read_only_fields_defaulting_to_none_are_nullable(schema):
    employer = _component(schema, "Employer")
    assert employer["ateco_code"]["nullable"] is True
    assert employer["ateco_edition"]["nullable"] is True
