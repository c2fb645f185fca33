"""Read-only roles change nothing: every writing API operation and every page, as each of them.

The operations are not listed by hand: the API's are read from the router (every route with
POST, PUT, PATCH or DELETE), the pages' from the URLconf (every route, posted to), so a new
endpoint is walked the day it is added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from sil.accounts.models import Role
from sil.api_urls import router
from sil.core.api import do_issue_api_token
from sil.core.permissions import (
    MATRIX,
    READ_ONLY_ROLES,
    Action,
    can,
    require,
)
from sil.people.models import Person
from tests.factories import OfficeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
# A read-only user still manages their own account and the language of the pages.
OWN_ACCOUNT = ("account/", "i18n/")
# Sample values for URL parameters: the first that the parameter's pattern accepts.
SAMPLES = ("1", "RSSMRA80A01H501U", "2026-01-05", "abcdef0123456789", "a")


def _group_end(regex: str, start: int) -> int:
    depth = 0
    for index in range(start, len(regex)):
        char = regex[index]
        if char == "\\":
            continue
        if char == "(" and (index == 0 or regex[index - 1] != "\\"):
            depth += 1
        elif char == ")" and regex[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(regex)


def sample_path(regex: str, ids: dict[str, str]) -> str:
    """A concrete path for a URL regex, each named group replaced by a value it accepts."""
    out = []
    index = 0
    while index < len(regex):
        if regex.startswith("(?P<", index):
            end = _group_end(regex, index)
            name, pattern = regex[index + 4 : end].split(">", 1)
            # An alternation of literals (the admin's app labels) offers its first one.
            candidates = (*SAMPLES, pattern.split("|")[0])
            value = ids.get(name) or next(s for s in candidates if re.fullmatch(pattern, s))
            out.append(value)
            index = end + 1
            continue
        out.append(regex[index])
        index += 1
    path = "".join(out).lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return path


def api_operations() -> Iterator[tuple[str, str, str]]:
    """(method, path regex, name) of every writing operation the API router serves."""
    for pattern in router.urls:
        regex = pattern.pattern.regex.pattern
        if "format" in regex:  # the same operations with a `.json` suffix
            continue
        actions = getattr(pattern.callback, "actions", None) or {}
        view_class = pattern.callback.cls
        allowed = getattr(view_class, "http_method_names", UNSAFE)
        for method in UNSAFE:
            if method in actions and method in allowed:
                yield method, regex, f"{pattern.name}:{method}"


def page_routes() -> Iterator[tuple[str, str]]:
    """(path regex, name) of every page route outside the API and the user's own account."""

    def walk(patterns, prefix: str) -> Iterator[tuple[str, str]]:
        for entry in patterns:
            regex = entry.pattern.regex.pattern.lstrip("^")
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + regex)
            elif isinstance(entry, URLPattern):
                full = prefix + regex
                if full.startswith(("api/", *OWN_ACCOUNT)) or "static" in full:
                    continue
                yield full, entry.name or full

    yield from walk(get_resolver().url_patterns, "")


API_OPERATIONS = sorted(api_operations())
PAGE_ROUTES = sorted(set(page_routes()))


def test_the_walk_finds_the_writing_operations():
    names = {name for _m, _r, name in API_OPERATIONS}
    assert "person-detail:patch" in names and "person-list:post" in names
    assert len(API_OPERATIONS) >= 40
    assert len(PAGE_ROUTES) >= 80


def table_fingerprint() -> dict[str, int]:
    """Row counts and the highest transaction id of every table: any insert, update or delete
    leaves a trace (xmin changes with each new row version)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
        )
        tables = [
            name
            for (name,) in cursor.fetchall()
            # Bookkeeping that a refused request may touch: sessions, the cache (rate limits),
            # the access log of reads.
            if name not in {"django_session", "sil_cache", "core_accesslog"}
        ]
        fingerprint = {}
        for name in tables:
            cursor.execute(f'SELECT count(*), max(xmin::text::bigint) FROM "{name}"')
            count, newest = cursor.fetchone()
            fingerprint[name] = (count, newest)
    return fingerprint


@pytest.fixture
def world():
    office = OfficeFactory()
    person = PersonFactory(competent_office=office)
    return {"office": office, "person": person}


def read_only_user(role: str, world) -> object:
    return UserFactory(operator_of=world["office"], role=role)


@pytest.fixture(params=sorted(READ_ONLY_ROLES))
def read_only_role(request) -> str:
    return request.param


def test_auditor_is_read_only():
    assert Role.AUDITOR in READ_ONLY_ROLES
    assert MATRIX[Role.AUDITOR] == frozenset({Action.READ})


def test_auditor_cannot_patch_a_person_by_token(client, world):
    auditor = read_only_user(Role.AUDITOR, world)
    person = world["person"]
    header = {"HTTP_AUTHORIZATION": f"Token {do_issue_api_token(auditor.email)}"}
    assert client.get(f"/api/v1/people/{person.pk}/", **header).status_code == 200
    response = client.patch(
        f"/api/v1/people/{person.pk}/",
        {"first_name": "Cambiato"},
        content_type="application/json",
        **header,
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Il ruolo assegnato consente solo la consultazione."
    person.refresh_from_db()
    assert person.first_name != "Cambiato"


def _ids(world) -> dict[str, str]:
    pk = str(world["person"].pk)
    return {"pk": pk, "person_id": pk, "id": pk}


def test_every_writing_api_operation_refuses_read_only_roles(client, world, read_only_role):
    user = read_only_user(read_only_role, world)
    header = {"HTTP_AUTHORIZATION": f"Token {do_issue_api_token(user.email)}"}
    before = table_fingerprint()
    refused, allowed = [], []
    for method, regex, name in API_OPERATIONS:
        path = "/api/v1/" + sample_path(regex, _ids(world))
        response = getattr(client, method)(path, {}, content_type="application/json", **header)
        (refused if response.status_code == 403 else allowed).append(
            (name, path, response.status_code)
        )
    assert allowed == []
    assert len(refused) == len(API_OPERATIONS)
    # The token's last use is the one row a refused request writes.
    after = table_fingerprint()
    after.pop(Token._meta.db_table, None), before.pop(Token._meta.db_table, None)
    after.pop("core_apitokenpolicy"), before.pop("core_apitokenpolicy")
    assert after == before


def test_every_writing_api_operation_refuses_read_only_roles_by_session(
    client, world, read_only_role
):
    client.force_login(read_only_user(read_only_role, world))
    before = table_fingerprint()
    allowed = []
    for method, regex, name in API_OPERATIONS:
        path = "/api/v1/" + sample_path(regex, _ids(world))
        response = getattr(client, method)(path, {}, content_type="application/json")
        if response.status_code != 403:
            allowed.append((name, path, response.status_code))
    assert allowed == []
    assert table_fingerprint() == before


def test_every_page_refuses_posts_from_read_only_roles(client, world, read_only_role):
    client.force_login(read_only_user(read_only_role, world))
    before = table_fingerprint()
    allowed = []
    for regex, name in PAGE_ROUTES:
        path = "/" + sample_path(regex, _ids(world))
        response = client.post(path, {})
        if response.status_code != 403:
            allowed.append((name, path, response.status_code))
    assert allowed == []
    assert table_fingerprint() == before


def test_read_only_user_keeps_their_own_account_and_language(client, world):
    client.force_login(read_only_user(Role.AUDITOR, world))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.post("/account/logout/").status_code == 302


def test_writing_roles_still_write(client, world):
    operator = UserFactory(operator_of=world["office"], role=Role.CPI_OPERATOR)
    person = world["person"]
    header = {"HTTP_AUTHORIZATION": f"Token {do_issue_api_token(operator.email)}"}
    response = client.patch(
        f"/api/v1/people/{person.pk}/",
        {"first_name": "Giuseppina"},
        content_type="application/json",
        **header,
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.first_name == "Giuseppina"


def test_actions_check_the_matrix_too(world):
    from django.core.exceptions import PermissionDenied

    from sil.people.actions import do_update_person

    auditor = read_only_user(Role.AUDITOR, world)
    operator = UserFactory(operator_of=world["office"], role=Role.CPI_OPERATOR)
    assert not can(auditor, Action.WRITE) and can(auditor, Action.READ)
    assert can(operator, Action.WRITE)
    require(operator, Action.WRITE)
    require(None, Action.WRITE)  # commands and tasks
    with pytest.raises(PermissionDenied):
        require(auditor, Action.WRITE)
    person = world["person"]
    with pytest.raises(PermissionDenied):
        do_update_person(person, {"first_name": "Azione"}, by=auditor)
    assert Person.objects.get(pk=person.pk).first_name != "Azione"


def test_a_second_role_that_writes_lets_the_user_write(world):
    user = read_only_user(Role.AUDITOR, world)
    from sil.accounts.models import Membership

    Membership.objects.create(user=user, office=world["office"], role=Role.CPI_OPERATOR)
    from sil.core.permissions import forget

    forget(user)
    assert can(user, Action.WRITE)
