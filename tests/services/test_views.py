import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sil.core.models import AccessLog
from sil.people import panels, timeline
from sil.services.actions import do_add_policy_event
from sil.services.models import GolAssessment, GolPath, Policy, PolicyEventCode
from tests.factories import UserFactory
from tests.services.factories import PolicyFactory, ProfilingFactory

pytestmark = pytest.mark.django_db


def test_policy_pages_are_scoped(client, world):
    other = PolicyFactory(person=world["b"])
    client.force_login(world["operator_a"])
    assert client.get(reverse("services:policy_list", args=[world["b"].pk])).status_code == 404
    for name in ("services:policy_edit", "services:policy_delete", "services:policy_event_create"):
        assert client.get(reverse(name, args=[world["a"].pk, other.pk])).status_code == 404
        assert client.get(reverse(name, args=[world["b"].pk, other.pk])).status_code == 404
    assert (
        client.post(reverse("services:policy_delete", args=[world["a"].pk, other.pk])).status_code
        == 404
    )
    assert Policy.objects.filter(pk=other.pk).exists()


def test_add_edit_delete_policy_and_event(client, world):
    person = world["a"]
    operator = world["operator_a"]
    client.force_login(operator)
    create = reverse("services:policy_create", args=[person.pk])
    bad = client.post(
        create,
        {
            "activity_type": "a02",
            "title": "Tirocinio",
            "promoter_code": "h501x000004",
            "proposal_date": "2017-01-01",
            "policy_id": "08008B3B94C",
        },
    )
    assert "policy_id" in bad.context["form"].errors
    good = client.post(
        create,
        {
            "activity_type": "a02",
            "title": "Tirocinio",
            "promoter_code": "h501x000004",
            "proposal_date": "2017-01-01",
            "start_date": "2017-01-10",
            "policy_id": "08008B3B94B",
        },
    )
    assert good.status_code == 302
    policy = Policy.objects.get(person=person)
    assert policy.activity_type == "A02"
    event_url = reverse("services:policy_event_create", args=[person.pk, policy.pk])
    started = PolicyEventCode.objects.get(code="02")
    wrong = client.post(event_url, {"code": started.pk, "date": "2017-01-11"})
    assert "date" in wrong.context["form"].errors
    assert client.post(event_url, {"code": started.pk, "date": "2017-01-10"}).status_code == 302
    listing = client.get(reverse("services:policy_list", args=[person.pk]))
    assert "02 Iniziata" in listing.content.decode()
    edit = reverse("services:policy_edit", args=[person.pk, policy.pk])
    assert client.get(edit).status_code == 200
    assert AccessLog.objects.filter(
        user=operator, object_type="services.policy", object_id=str(policy.pk)
    ).exists()
    delete = reverse("services:policy_delete", args=[person.pk, policy.pk])
    assert client.post(delete).status_code == 302
    assert not Policy.objects.exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_policy_list_query_count(client, world, django_assert_max_num_queries):
    person = world["a"]
    start = PolicyEventCode.objects.get(code="02")
    ProfilingFactory(person=person)
    client.force_login(world["operator_a"])
    url = reverse("services:policy_list", args=[person.pk])

    def add_policy():
        policy = PolicyFactory(person=person)
        do_add_policy_event(policy, {"code": start, "date": policy.start_date})

    add_policy()
    _queries(client, url)  # warm up (first request of the session)
    one = _queries(client, url)
    for _ in range(4):
        add_policy()
    assert _queries(client, url) == one  # no query per policy or event
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.content.decode().count("02 Iniziata") == 5


def test_panel_and_timeline(rf, world):
    person = world["a"]
    policy = PolicyFactory(person=person, title="Tirocinio extracurricolare")
    do_add_policy_event(
        policy, {"code": PolicyEventCode.objects.get(code="01"), "date": policy.proposal_date}
    )
    ProfilingFactory(person=person, profiled_on=dt.date(2024, 2, 1))
    request = rf.get("/")
    request.user = world["operator_a"]
    assert "servizi" in [item["panel"].key for item in panels.panels_for(request, person)]
    events = [
        (e.kind, e.at) for e in timeline.timeline(person) if e.kind in ("policy", "profiling")
    ]
    assert events == [("profiling", dt.date(2024, 2, 1)), ("policy", dt.date(2017, 1, 1))]


def test_gol_assessment_form(client, world):
    person = world["a"]
    profiling = ProfilingFactory(person=person)
    client.force_login(world["operator_a"])
    url = reverse("services:gol_assessment_create", args=[person.pk])
    page = client.get(url)
    assert (
        page.status_code == 200 and "0,73210" in page.content.decode()
    ) or "0.73210" in page.content.decode()
    missing = client.post(
        url,
        {"path": GolPath.objects.get(number=3).pk, "decided_on": "2024-03-01", "override": "on"},
    )
    assert "override_reason" in missing.context["form"].errors
    done = client.post(
        url,
        {
            "path": GolPath.objects.get(number=3).pk,
            "decided_on": "2024-03-01",
            "override": "on",
            "override_reason": "Serve una riqualificazione più lunga.",
        },
    )
    assert done.status_code == 302
    assessment = GolAssessment.objects.get(person=person)
    assert assessment.profiling == profiling and assessment.operator == world["operator_a"]
    assert (
        client.get(reverse("services:gol_assessment_create", args=[world["b"].pk])).status_code
        == 404
    )


def test_admin_pages_open(client, world):
    PolicyFactory(person=world["a"])
    client.force_login(UserFactory(superuser=True))
    for name in (
        "admin:services_policy_changelist",
        "admin:services_policyeventcode_changelist",
        "admin:services_profiling_changelist",
        "admin:dossier_workexperience_changelist",
        "admin:dossier_education_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name
