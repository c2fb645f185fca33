"""Reception pages and API: day list (scoped, logged, query count locked), check-in, outcome,
call-back list, launch page, sanctions download."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sil.appointments.models import AppointmentStatus
from sil.campaigns.models import ConvocationState, Outcome, SanctionEvent
from sil.campaigns.outcomes import do_record_outcome
from sil.core.models import AccessLog
from tests.appointments.factories import local
from tests.campaigns.reception_world import give_appointment, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    data = make_world(people=3)
    today = timezone.localdate()
    for hour, convocation in zip((9, 10, 11), data["convocations"], strict=True):
        give_appointment(convocation, starts_at=local(today, hour))
    return data


def _day_url(world, day=None):
    day = day or timezone.localdate()
    return (
        reverse("campaigns:reception_day") + f"?office={world['office'].pk}&day={day.isoformat()}"
    )


def test_day_list_shows_who_is_expected_and_logs_the_reading(client, world):
    client.force_login(world["operator"])

    response = client.get(_day_url(world))

    assert response.status_code == 200
    body = response.content.decode()
    for convocation in world["convocations"]:
        assert convocation.person.fiscal_code in body
    assert response.context["counts"] == {"expected": 3, "checked_in": 0, "seen": 0}
    assert (
        AccessLog.objects.filter(
            object_type="people.person", action="list", user=world["operator"]
        ).count()
        == 3
    )


def test_day_list_query_count_does_not_grow_with_people(client, world, django_assert_num_queries):
    client.force_login(world["operator"])
    client.get(_day_url(world))  # warm the session and caches
    with django_assert_num_queries(10) as context:
        client.get(_day_url(world))
    queries = len(context.captured_queries)
    extra = world["convocations"][0]
    from tests.campaigns.factories import ConvocationFactory

    for hour in (14, 15):
        more = ConvocationFactory(campaign=extra.campaign, office=extra.office)
        give_appointment(more, starts_at=local(timezone.localdate(), hour))
    with django_assert_num_queries(queries):
        client.get(_day_url(world))


def test_other_offices_are_not_offered_nor_reachable(client, world):
    client.force_login(world["other_operator"])

    response = client.get(_day_url(world))
    assert response.status_code == 200  # the form falls back to the operator's own CPI
    assert world["convocations"][0].person.fiscal_code not in response.content.decode()

    convocation = world["convocations"][0]
    url = reverse("campaigns:reception_outcome", args=[convocation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": Outcome.NON_RECAP}).status_code == 404
    check_in = reverse("campaigns:reception_check_in", args=[convocation.pk])
    assert client.post(check_in).status_code == 404
    assert AccessLog.objects.filter(action="denied", user=world["other_operator"]).exists()


def test_check_in_then_outcome_from_the_pages(client, world):
    client.force_login(world["operator"])
    convocation = world["convocations"][0]

    response = client.post(
        reverse("campaigns:reception_check_in", args=[convocation.pk]),
        {"back": _day_url(world)},
    )
    assert response.status_code == 302
    convocation.appointment.refresh_from_db()
    assert convocation.appointment.status == AppointmentStatus.CHECKED_IN

    url = reverse("campaigns:reception_outcome", args=[convocation.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f"/patti/nuovo/{convocation.person_id}/" in page.content.decode()
    # PRES_PSP without a Patto: refused with the reason on the page.
    refused = client.post(url, {"outcome": Outcome.PRES_PSP})
    assert refused.status_code == 200
    assert "Patto di servizio firmato" in refused.content.decode()
    # A justified absence needs its reason.
    missing = client.post(url, {"outcome": Outcome.ASS_GIUST, "note": " "})
    assert "indicare il motivo" in missing.content.decode()

    done = client.post(url, {"outcome": Outcome.PRES_NOPSP, "note": "Non firma"})

    assert done.status_code == 302
    convocation.refresh_from_db()
    assert convocation.outcome == Outcome.PRES_NOPSP
    assert SanctionEvent.objects.filter(convocation=convocation).exists()


def test_people_who_cannot_come_are_listed_to_call_back(client, world):
    from sil.appointments.actions import do_cancel

    convocation = world["convocations"][2]
    world["campaign"].state = "running"
    world["campaign"].save()
    do_cancel(convocation.appointment, reason="Lavoro", by_citizen=True)
    client.force_login(world["operator"])

    response = client.get(_day_url(world))

    assert [c.pk for c in response.context["call_back"]] == [convocation.pk]
    assert response.context["counts"]["expected"] == 2


def test_api_day_list_and_outcome(client, world):
    client.force_login(world["operator"])
    url = "/api/v1/campaign-reception/"

    listed = client.get(url, {"office": world["office"].pk, "day": timezone.localdate()})

    assert listed.status_code == 200
    rows = listed.json()
    assert [r["fiscal_code"] for r in rows] == [c.person.fiscal_code for c in world["convocations"]]
    convocation = world["convocations"][0]
    posted = client.post(
        f"{url}{convocation.pk}/outcome/",
        {"outcome": Outcome.OCCUPATO, "note": "Assunto"},
        content_type="application/json",
    )
    assert posted.status_code == 200, posted.content
    assert posted.json()["outcome"] == Outcome.OCCUPATO
    again = client.post(
        f"{url}{convocation.pk}/outcome/",
        {"outcome": Outcome.OCCUPATO},
        content_type="application/json",
    )
    assert again.status_code == 400


def test_api_is_scoped_to_the_operators_offices(client, world):
    client.force_login(world["other_operator"])
    url = "/api/v1/campaign-reception/"
    assert client.get(url, {"office": world["office"].pk}).status_code == 403
    convocation = world["convocations"][0]
    posted = client.post(
        f"{url}{convocation.pk}/outcome/",
        {"outcome": Outcome.OCCUPATO},
        content_type="application/json",
    )
    assert posted.status_code == 404
    convocation.refresh_from_db()
    assert convocation.state == ConvocationState.INVITED


def _absent(world):
    convocation = world["convocations"][0]
    give_appointment(convocation, starts_at=timezone.now() - dt.timedelta(days=1))
    do_record_outcome(convocation, Outcome.ASS_INGIUST, by=world["operator"])
    return convocation


def test_api_sanctions_export(client, world):
    absent = _absent(world)
    client.force_login(world["regional"])

    listed = client.get("/api/v1/campaign-sanctions/", {"campaign": world["campaign"].pk})
    assert listed.status_code == 200
    assert [e["convocation"] for e in listed.json()["results"]] == [absent.pk]
    exported = client.get(
        "/api/v1/campaign-sanctions/export/",
        {"campaign": world["campaign"].pk, "export_format": "json"},
    )
    assert exported.status_code == 200
    (row,) = json.loads(exported.content)["eventi"]
    assert row["codice_fiscale"] == absent.person.fiscal_code


def test_sanctions_page_download_and_mark(client, world):
    absent = _absent(world)
    campaign = world["campaign"]
    client.force_login(world["operator"])
    assert client.get(reverse("campaigns:sanctions", args=[campaign.pk])).status_code == 200
    url = reverse("campaigns:sanctions_download", args=[campaign.pk, "csv"])
    download = client.get(url)
    assert download.status_code == 200
    assert absent.person.fiscal_code in download.content.decode()
    assert client.post(url).status_code == 403  # only the Region transmits

    client.force_login(world["regional"])
    marked = client.post(url)

    assert marked.status_code == 200
    event = SanctionEvent.objects.get()
    assert event.export_batch and event.export_batch in marked["Content-Disposition"]
    again = client.get(url, {"lotto": event.export_batch})
    assert again.content == marked.content


def test_launch_page_and_button(client, world):
    campaign = world["campaign"]
    html = render_to_string("campaigns/reception_launch_button.html", {"campaign": campaign})
    assert reverse("campaigns:launch", args=[campaign.pk]) in html
    client.force_login(world["operator"])
    assert client.get(reverse("campaigns:launch", args=[campaign.pk])).status_code == 403
    client.force_login(world["regional"])
    page = client.get(reverse("campaigns:launch", args=[campaign.pk]))
    assert page.status_code == 200
    assert "Conferma l'avvio" in page.content.decode()
    status = client.get(reverse("campaigns:launch_status", args=[campaign.pk]))
    assert status.status_code == 200


def test_launch_from_the_page(client, world):
    campaign = world["campaign"]
    client.force_login(world["regional"])

    response = client.post(reverse("campaigns:launch", args=[campaign.pk]))

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == "running"
    html = render_to_string("campaigns/reception_launch_button.html", {"campaign": campaign})
    assert reverse("campaigns:sanctions", args=[campaign.pk]) in html
