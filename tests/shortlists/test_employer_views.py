import pytest
from django.urls import reverse

from sil.applications.actions import do_apply
from sil.applications.models import ApplicationState
from sil.core.models import AccessLog
from sil.shortlists.models import ReceivedCv
from tests.applications.factories import CvFactory, citizen_for

pytestmark = pytest.mark.django_db


def test_employer_sees_only_consented_candidates(client, world, sent, django_assert_num_queries):
    a, ciro, rosa = world["people"]
    client.force_login(world["employer_user"])
    url = reverse("employer_shortlists:shortlist_detail", args=[sent.pk])
    client.get(url)
    with django_assert_num_queries(11):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{a.first_name} {a.last_name}" in page
    assert a.email in page and f"{ciro.first_name} {ciro.last_name}" in page
    assert rosa.last_name not in page and rosa.email not in page
    assert "Colloqui a marzo." in page
    logged = {
        int(r.object_id)
        for r in AccessLog.objects.filter(user=world["employer_user"], object_type="people.person")
    }
    assert logged == {a.pk, ciro.pk}


def test_draft_shortlist_is_invisible_to_the_employer(client, world, shortlist):
    client.force_login(world["employer_user"])
    url = reverse("employer_shortlists:shortlist_detail", args=[shortlist.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("employer_shortlists:home")).content.decode()
    assert "Nessuna rosa ricevuta" in page


def test_another_firm_sees_nothing(client, world, sent):
    client.force_login(world["other_employer_user"])
    url = reverse("employer_shortlists:shortlist_detail", args=[sent.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("employer_shortlists:shortlist_list")).content.decode()
    assert "Magazziniere con patente C" not in page
    entry = sent.entries.get(person=world["a"])
    response = client.post(
        reverse("employer_shortlists:entry_feedback", args=[entry.pk]),
        {f"e{entry.pk}-feedback": "hired"},
    )
    assert response.status_code == 404
    received = ReceivedCv.objects.filter(employer=world["employer"]).first()
    assert (
        client.get(reverse("employer_shortlists:cv_download", args=[received.pk])).status_code
        == 404
    )
    page = client.get(reverse("employer_shortlists:cv_archive")).content.decode()
    assert world["a"].last_name not in page


def test_operators_and_citizens_are_refused(client, world, sent):
    for user in (world["operator_a"], citizen_for(world["a"])):
        client.force_login(user)
        assert client.get(reverse("employer_shortlists:home")).status_code == 403
    client.logout()
    assert client.get(reverse("employer_shortlists:home")).status_code == 302


def test_feedback_from_the_employer_area(client, world, sent):
    client.force_login(world["employer_user"])
    entry = sent.entries.get(person=world["a"])
    response = client.post(
        reverse("employer_shortlists:entry_feedback", args=[entry.pk]),
        {f"e{entry.pk}-feedback": "interested", f"e{entry.pk}-note": "Colloquio il 3"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.feedback, entry.feedback_note, entry.feedback_by) == (
        "interested",
        "Colloquio il 3",
        world["employer_user"],
    )
    # Not a candidate that was sent: 404 (Rosa refused consent).
    rosa = sent.entries.get(person=world["people"][2])
    response = client.post(
        reverse("employer_shortlists:entry_feedback", args=[rosa.pk]),
        {f"e{rosa.pk}-feedback": "interested"},
    )
    assert response.status_code == 404


def test_received_applications_and_state_changes(client, world, django_assert_num_queries):
    person = world["a"]
    application = do_apply(
        person, world["vacancy"], cv=CvFactory(person=person), by=citizen_for(person)
    )
    client.force_login(world["employer_user"])
    url = reverse("employer_shortlists:application_list")
    client.get(url)
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert person.last_name in page
    assert "in selezione" in page.lower()  # a button for the next move
    response = client.post(
        reverse("employer_shortlists:application_state", args=[application.pk]),
        {"state": "in_selection"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.IN_SELECTION
    # An illegal move is explained, not applied.
    response = client.post(
        reverse("employer_shortlists:application_state", args=[application.pk]),
        {"state": "viewed"},
        follow=True,
    )
    assert "non consentita" in response.content.decode()
    client.force_login(world["other_employer_user"])
    response = client.post(
        reverse("employer_shortlists:application_state", args=[application.pk]),
        {"state": "rejected"},
    )
    assert response.status_code == 404


def test_cv_archive_search_archive_download(client, world, sent, django_assert_num_queries):
    a, ciro, _rosa = world["people"]
    CvFactory(person=a, is_default=True)
    client.force_login(world["employer_user"])
    url = reverse("employer_shortlists:cv_archive")
    client.get(url)
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert a.last_name in page and ciro.last_name in page
    page = client.get(url, {"q": ciro.last_name.lower()}).content.decode()
    assert ciro.last_name in page and a.last_name not in page
    received = ReceivedCv.objects.get(employer=world["employer"], person=a)
    client.post(
        reverse("employer_shortlists:cv_archive_toggle", args=[received.pk]), {"archive": "1"}
    )
    page = client.get(url).content.decode()
    assert a.last_name not in page
    page = client.get(url, {"archived": "on"}).content.decode()
    assert a.last_name in page
    response = client.get(reverse("employer_shortlists:cv_download", args=[received.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(
        user=world["employer_user"], action="export", object_id=str(a.pk)
    ).exists()
    # Ciro has no CV at all: a message, no file.
    ciro_row = ReceivedCv.objects.get(employer=world["employer"], person=ciro)
    response = client.get(
        reverse("employer_shortlists:cv_download", args=[ciro_row.pk]), follow=True
    )
    assert "non ha un CV" in response.content.decode()
