"""Every operator screen and API route about one person's data is office-scoped and access-logged.

The test walks the URLconf: each route under /operatori/ or /api/v1/ that takes an object in its
URL must be classified here, either in SCOPED (a factory makes the object in CPI A; an operator
of CPI B is refused, an operator of CPI A reads it and an AccessLog row is written) or in
NOT_PERSONAL (with the reason). A new route that is in neither fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse

from sil.core.models import AccessLog
from tests.factories import UserFactory, two_cpi_world

PREFIXES = ("operatori/", "api/v1/")
IGNORED_KWARGS = {"format"}  # DRF's suffix variants of the same route
KWARG = re.compile(
    r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>"
)  # path() and re_path() (DRF) styles  # DRF's suffix variants of the same route

World = dict[str, Any]
Maker = Callable[[World], dict[str, Any]]


def _person(kwarg: str) -> Maker:
    return lambda w: {kwarg: w["a"].pk}


def _did(w: World) -> dict[str, Any]:
    import datetime as dt

    from sil.did.actions import do_declare_did
    from sil.did.models import DidChannel

    did = do_declare_did(w["a"], dt.date(2025, 1, 10), DidChannel.CPI, by=w["operator_a"])
    return {"pk": did.pk}


def _pact(w: World) -> dict[str, Any]:
    from tests.services.factories import ServicePactFactory

    return {"pk": ServicePactFactory(person=w["a"]).pk}


def _policy(w: World) -> dict[str, Any]:
    from tests.services.factories import PolicyFactory

    return {"pk": PolicyFactory(person=w["a"]).pk}


def _person_policy(w: World) -> dict[str, Any]:
    return {"person_id": w["a"].pk, **_policy(w)}


def _profiling(w: World) -> dict[str, Any]:
    from tests.services.factories import ProfilingFactory

    return {"pk": ProfilingFactory(person=w["a"]).pk}


def _appointment(w: World) -> dict[str, Any]:
    from tests.appointments.factories import AppointmentFactory

    return {"pk": AppointmentFactory(slot__calendar__office=w["cpi_a"], person=w["a"]).pk}


# Routes that show one person's data: how to make their object in CPI A.
SCOPED: dict[str, Maker] = {
    "people:person_detail": _person("pk"),
    "dossier:dossier_detail": _person("person_id"),
    "dossier:dossier_pdf": _person("person_id"),
    "did:person_dids": _person("person_pk"),
    "services:policy_list": _person("person_id"),
    "services:pact_detail": _pact,
    "services:pact_pdf": _pact,
    "appointments:appointment": _appointment,
    "person-detail": _person("pk"),
    "person-access-log": _person("pk"),
    "person-consents": _person("pk"),
    "person-fiscal-code-changes": _person("pk"),
    "person-sap-list": _person("person_id"),
    "did-detail": _did,
    "did-events": _did,
    "policy-detail": _policy,
    "profiling-detail": _profiling,
    "service-pact-detail": _pact,
    "appointment-detail": _appointment,
}

# Routes with an object in the URL that are not one person's data, or not read by GET.
NOT_PERSONAL: dict[str, str] = {
    # Reference data and offices: public within the administration.
    "municipality-detail": "reference data",
    "office-detail": "reference data",
    "territory:office_detail": "office record",
    "territory:office_edit": "office record",
    "vacancies:search_options": "code-list lookup",
    # Employers and vacancies: firms' data, not natural persons'.
    "employer-detail": "firm",
    "employer-site-list": "firm",
    "employer-site-detail": "firm",
    "employers:employer_detail": "firm",
    "employers:employer_edit": "firm",
    "employers:employer_consent": "firm",
    "employers:employer_set_active": "firm (POST only)",
    "employers:site_create": "firm",
    "employers:site_edit": "firm",
    "employers:user_add": "firm",
    "employers:user_remove": "firm (POST only)",
    "vacancy-detail": "vacancy",
    "job-detail": "published vacancy",
    "vacancies:vacancy_detail": "vacancy",
    "vacancies:vacancy_edit": "vacancy",
    "campaign-detail": "campaign settings",
    "campaigns:campaign_detail": "campaign settings",
    "campaigns:campaign_edit": "campaign settings",
    "campaigns:campaign_templates": "campaign settings",
    "campaigns:sms_counter": "campaign settings",
    "campaigns:campaign_capacities": "campaign settings",
    "appointments:week": "an office's calendar (scoped by office code)",
    "appointments:slots": "an office's calendar (scoped by office code)",
    "appointments:day_list": "an office's calendar (scoped by office code)",
    "appointments:feed": "calendar feed authenticated by its own token",
    "appointments:appointment_ics": "the file names no one: office, time and purpose only",
    "slot-detail": "a free time slot",
    # Actions: POST only, guarded by the same scoped querysets as the pages above.
    **dict.fromkeys(
        [
            "vacancy-cancel",
            "vacancy-close",
            "vacancy-publish",
            "vacancy-send-back",
            "vacancy-submit",
            "vacancies:vacancy_transition",
            "service-pact-confirm-otp",
            "service-pact-reopen",
            "service-pact-send-otp",
            "service-pact-to-signature",
            "services:pact_to_signature",
            "services:pact_reopen",
            "services:pact_sign_otp",
            "services:pact_upload_scan",
            "services:policy_delete",
            "dossier:entry_delete",
            "did:job_start",
            "did:job_end",
            "did:lapse",
            "did:revoke",
            "application-transition",
            "applications:application_transition",
            "appointment-cancel",
            "appointment-check-in",
            "appointment-close",
            "appointment-confirm",
            "appointment-move",
            "appointments:appointment_action",
            "campaign-dry-run",
            "campaign-import-list",
            "campaign-transition",
            "campaign-reception-outcome",
            "campaigns:campaign_move",
            "campaigns:launch",
            "campaigns:reception_check_in",
            "campaigns:reception_outcome",
            "shortlist-close",
            "shortlist-contact",
            "shortlist-outcome",
            "shortlist-send",
            "shortlists:send",
            "shortlists:close",
            "shortlists:entry_contact",
            "shortlists:entry_feedback",
            "shortlists:entry_outcome",
            "shortlists:entry_remove",
        ],
        "action (POST only)",
    ),
}

# Personal-data routes this test does not exercise yet: each still needs its factory here.
# The list may only shrink.
NOT_YET_COVERED: set[str] = {
    "people:person_duplicates",  # a manager's screen: needs a manager in the set-up
    "campaigns:campaign_import",
    "people:person_edit",
    "people:person_change_fiscal_code",
    "people:person_record_consent",
    "people:person_merge_detail",
    "dossier:availability_edit",
    "dossier:entry_create",
    "dossier:entry_edit",
    "did:declare",
    "services:pact_create",
    "services:pact_edit",
    "services:pact_scan",
    "services:gol_assessment_create",
    "services:policy_create",
    "services:policy_edit",
    "services:policy_event_create",
    "matching:vacancy_candidates",
    "applications:application_detail",
    "application-detail",
    "my-application-detail",
    "shortlists:shortlist_detail",
    "shortlists:add_candidates",
    "shortlist-detail",
    "shortlist-candidates",
    "vacancy-candidates-list",
    "person-vacancies-list",
    "fiscal-code-detail",
    "notifications:message_detail",
    "convocation-detail",
    "campaigns:import_status",
    "campaigns:campaign_dry_run",
    "campaigns:reception_reschedule",
    "campaigns:launch_status",
    "campaigns:sanctions",
    "campaigns:sanctions_download",
    "campaigns:dashboard",
    "campaigns:dashboard_office",
    "campaigns:dashboard_export_offices",
    "campaigns:dashboard_export_convocations",
    "dossier-education-detail",
    "dossier-training-course-detail",
    "dossier-work-experience-detail",
    "dossier-language-detail",
    "dossier-it-skill-detail",
    "dossier-driving-licence-detail",
    "dossier-other-licence-detail",
    "dossier-availability-detail",
    "policy-event-detail",
    "gol-assessment-detail",
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), namespace + p.name


def routes_with_objects(urlconf: str | None = None) -> dict[str, set[str]]:
    """URL name -> the kwargs it takes, for every route under PREFIXES that takes one."""
    found: dict[str, set[str]] = {}
    for route, name in _walk(get_resolver(urlconf).url_patterns):
        if not route.startswith(PREFIXES) or route.startswith("operatori/admin/"):
            continue
        kwargs = {a or b for a, b in KWARG.findall(route)} - IGNORED_KWARGS
        if kwargs:
            found.setdefault(name, set()).update(kwargs)
    return found


def test_every_route_with_an_object_is_classified():
    classified = SCOPED.keys() | NOT_PERSONAL.keys() | NOT_YET_COVERED
    unclassified = sorted(set(routes_with_objects()) - classified)
    assert unclassified == [], "classify these routes in SCOPED or NOT_PERSONAL"
    stale = sorted(classified - set(routes_with_objects()))
    assert stale == [], "these routes no longer exist"


def assert_scoped_and_logged(client: Any, world: World, url: str) -> None:
    client.force_login(UserFactory(operator_of=world["cpi_b"]))
    assert client.get(url).status_code in (403, 404), f"{url} is not office-scoped"
    # A refused attempt may be logged as such; nothing may be logged as read.
    assert not AccessLog.objects.filter(path=url).exclude(action="denied").exists()

    client.force_login(world["operator_a"])
    response = client.get(url)
    assert response.status_code == 200, url
    read = AccessLog.objects.filter(path=url, username=world["operator_a"].username)
    assert read.exclude(action="denied").exists(), f"{url} wrote no AccessLog row"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCOPED))
def test_personal_data_routes_are_scoped_and_logged(client, name):
    world = two_cpi_world()
    assert_scoped_and_logged(client, world, reverse(name, kwargs=SCOPED[name](world)))


@pytest.mark.django_db
def test_an_unscoped_personal_data_view_is_caught(client, settings):
    """A new screen showing a person to any operator fails both checks above."""
    settings.ROOT_URLCONF = "tests.core.unscoped_urls"
    clear_url_caches()
    try:
        assert routes_with_objects().keys() - (
            SCOPED.keys() | NOT_PERSONAL.keys() | NOT_YET_COVERED
        ) == {"spia"}
        world = two_cpi_world()
        with pytest.raises(AssertionError, match="is not office-scoped"):
            assert_scoped_and_logged(client, world, reverse("spia", args=[world["a"].pk]))
    finally:
        clear_url_caches()
