"""The OpenAPI schema tells the truth: schemathesis generates requests for every operation of
the live schema (served by the WSGI application, as an operator and as the Region) and checks
that no answer is a server error and every answer is declared, in status, body and content
type. Examples are bounded and derandomised, so a run is repeatable and takes minutes.

Run alone: `.venv/bin/python -m pytest tests/core/test_schemathesis.py -q -p no:cacheprovider`.
SIL_SCHEMATHESIS_EXAMPLES changes the examples per operation (default below).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sil.accounts.models import Role
from sil.core.api import do_issue_api_token
from tests.campaigns.factories import ConvocationFactory
from tests.employers.factories import EmployerFactory, EmployerSiteFactory
from tests.factories import (
    FiscalCodeChangeFactory,
    OfficeFactory,
    PersonFactory,
    PrivacyConsentFactory,
    UserFactory,
)
from tests.vacancies.factories import VacancyFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SIL_SCHEMATHESIS_EXAMPLES", "6"))
# Positive cases fit the schema; negative ones break it (and must get a declared 400).
MODES = os.environ.get("SIL_SCHEMATHESIS_MODES", "positive,negative").split(",")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
# Counters of the throttle would answer 429 (declared, but it would hide everything else).
RATES = {"anon": "100000/minute", "user": "100000/minute"}


@dataclass
class Run:
    operations: int = 0
    examples: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


def _exercise(schema, headers: dict[str, str]) -> Run:
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()
        run.operations += 1
        failures = _check_operation(operation, headers, run)
        run.failures.extend(failures[:1])  # one report per operation is enough to act on
    return run


def _check_operation(operation, headers: dict[str, str], run: Run) -> list[str]:
    failures: list[str] = []

    strategies = [operation.as_strategy(GenerationMode(mode)) for mode in MODES]

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        run.examples += 1
        response = case.call(headers=headers)
        run.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
            failures.append(f"{operation.label}: {str(exc)[:1500]}")

    check()
    return failures


@pytest.fixture
def api_schema():
    # As Django's test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with override_settings(
            REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": RATES}
        ):
            yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _rest_framework() -> dict:
    from django.conf import settings as django_settings

    return dict(django_settings.REST_FRAMEWORK)


def _report(who: str, run: Run, started: float) -> str:
    return (
        f"{who}: {run.operations} operations, {run.examples} examples, "
        f"{len(run.failures)} failures in {time.monotonic() - started:.0f} s; "
        f"statuses {dict(sorted(run.statuses.items()))}"
    )


def _seed(office) -> list[int]:
    """A few records of the operator's office, so that path ids sometimes find one and the
    answers with a body are checked too, not only the 404s of random ids."""
    people = [PersonFactory(competent_office=office) for _n in range(2)]
    PrivacyConsentFactory(person=people[0])
    FiscalCodeChangeFactory(person=people[0])
    employer = EmployerFactory()
    site = EmployerSiteFactory(employer=employer)
    vacancy = VacancyFactory(employer=employer, office=office)
    convocation = ConvocationFactory(office=office, person=people[1])
    records = [*people, employer, site, vacancy, convocation, convocation.campaign]
    return sorted({record.pk for record in records})


def _use_seeded_ids(schema, ids: list[int]) -> None:
    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        seeded = {
            name: st.sampled_from(ids) if isinstance(value, int) else st.just(value)
            for name, value in path_parameters.items()
        }
        return st.one_of(st.just(path_parameters), st.fixed_dictionaries(seeded))


@pytest.mark.parametrize("role", ["operator", "region"])
def test_every_operation_answers_as_the_schema_says(api_schema, role, capsys):
    office = OfficeFactory()
    if role == "operator":
        user = UserFactory(operator_of=office, role=Role.CPI_OPERATOR)
    else:
        user = UserFactory(regional=True)
    _use_seeded_ids(api_schema, _seed(office))
    headers = {"Authorization": f"Token {do_issue_api_token(user.email)}"}
    started = time.monotonic()
    run = _exercise(api_schema, headers)
    with capsys.disabled():
        print("\n" + _report(role, run, started))
    assert run.operations > 100
    assert run.failures == [], "\n\n".join(run.failures)
