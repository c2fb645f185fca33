import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from sil.core.models import AccessLog
from sil.did import actions
from sil.did.models import Did, DidEvent, DidState
from sil.did.views import panel_context
from sil.people import panels, timeline
from tests.did.conftest import DAY

pytestmark = pytest.mark.django_db


def test_panel_and_timeline_are_registered(world, did):
    keys = [
        entry["panel"].key for entry in panels.panels_for(RequestFactory().get("/"), world["a"])
    ]
    assert "did" in keys
    events = [e for e in timeline.timeline(world["a"]) if e.kind == "did"]
    assert [e.at for e in events] == [DAY]
    assert "Dichiarazione" in events[0].title


def test_declare_from_the_page(client, world):
    client.force_login(world["operator_a"])
    url = reverse("did:declare", args=[world["a"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"did_date": "10/01/2025", "channel": "cpi", "national_id": ""})
    assert response.status_code == 302
    assert response["Location"].endswith("#did")
    did = Did.objects.get(person=world["a"])
    assert (did.did_date, did.state) == (DAY, DidState.ACTIVE)
    assert DidEvent.objects.get(did=did).recorded_by == world["operator_a"]
    # A second one is refused with the reason, on the page.
    response = client.post(url, {"did_date": "11/01/2025", "channel": "cpi"})
    assert response.status_code == 200
    assert "già una DID in vigore" in response.content.decode()


def test_job_start_and_end_from_the_pages(client, world, did):
    client.force_login(world["operator_a"])
    response = client.post(
        reverse("did:job_start", args=[did.pk]),
        {
            "start_date": "2025-02-01",
            "income_kind": "employee",
            "projected_annual_income": "12000",
            "source_reference": "CO-77",
        },
    )
    assert response.status_code == 302
    did.refresh_from_db()
    assert did.state == DidState.SUSPENDED
    response = client.post(reverse("did:job_end", args=[did.pk]), {"end_date": "2025-01-15"})
    assert response.status_code == 200  # before the last event: error on the form
    assert "non può precedere" in response.content.decode()
    response = client.post(reverse("did:job_end", args=[did.pk]), {"end_date": "2025-03-01"})
    assert response.status_code == 302
    did.refresh_from_db()
    assert did.state == DidState.ACTIVE


def test_illegal_move_from_the_page_is_explained(client, world, did):
    actions.do_revoke(did, DAY)
    client.force_login(world["operator_a"])
    response = client.post(reverse("did:revoke", args=[did.pk]), {"effective_date": "2025-02-01"})
    assert response.status_code == 200
    assert "non consentita" in response.content.decode()


def test_operator_of_another_cpi_gets_nothing(client, world):
    other = actions.do_declare_did(world["b"], DAY, "cpi")
    client.force_login(world["operator_a"])
    for name, arg in [
        ("did:person_dids", world["b"].pk),
        ("did:declare", world["b"].pk),
        ("did:job_start", other.pk),
        ("did:lapse", other.pk),
        ("did:revoke", other.pk),
    ]:
        assert client.get(reverse(name, args=[arg])).status_code == 404
    response = client.post(reverse("did:revoke", args=[other.pk]), {"effective_date": "2025-02-01"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == DidState.ACTIVE


def test_citizen_is_refused(client, world, did):
    from tests.factories import UserFactory

    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("did:person_dids", args=[world["a"].pk])).status_code == 403


def test_person_dids_page_logs_and_has_fixed_queries(
    client, world, did, django_assert_max_num_queries
):
    job = DAY + dt.timedelta(days=5)
    for n in range(5):
        start = job + dt.timedelta(days=n * 10)
        actions.do_suspend(did, start, 20000)
        actions.do_resume(did, start + dt.timedelta(days=3))
    actions.do_revoke(did, job + dt.timedelta(days=60))
    actions.do_declare_did(world["a"], job + dt.timedelta(days=61), "cpi")
    client.force_login(world["operator_a"])
    url = reverse("did:person_dids", args=[world["a"].pk])
    client.get(url)  # warm up the session and membership caches
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Revoca" in content and "Sospensione per rapporto di lavoro" in content
    logged = AccessLog.objects.filter(path=url)
    assert logged.filter(object_type="people.person", action="view").exists()
    assert logged.filter(object_type="did.did", action="list").count() >= 2


def test_panel_render_has_constant_queries(world, did, django_assert_num_queries):
    for n in range(4):
        start = DAY + dt.timedelta(days=5 + n * 10)
        actions.do_suspend(did, start, 20000)
        actions.do_resume(did, start + dt.timedelta(days=2))
    request = RequestFactory().get("/")
    with django_assert_num_queries(3):
        context = panel_context(request, world["a"])
        html = render_to_string("did/_panel.html", {"person": world["a"], **context})
    assert "Attiva" in html
    assert context["seniority"].days > 0


def test_person_page_shows_the_did_panel_with_constant_queries(
    client, world, did, django_assert_max_num_queries
):
    client.force_login(world["operator_a"])
    url = reverse("people:person_detail", args=[world["a"].pk])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(60) as few:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("did:revoke", args=[did.pk]) in html
    for n in range(4):
        start = DAY + dt.timedelta(days=5 + n * 10)
        actions.do_suspend(did, start, 20000)
        actions.do_resume(did, start + dt.timedelta(days=2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    kinds = [event.kind for event in response.context["timeline"]]
    assert kinds.count("did") == 9
