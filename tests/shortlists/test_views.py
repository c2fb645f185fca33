import pytest
from django.urls import reverse

from sil.core.models import AccessLog
from sil.matching.models import MatchResult, MatchRun
from sil.shortlists import actions
from sil.shortlists.models import Shortlist, ShortlistState
from tests.factories import UserFactory
from tests.shortlists.conftest import contact

pytestmark = pytest.mark.django_db


def test_add_candidates_from_the_ranked_list(client, world):
    client.force_login(world["operator_a"])
    url = reverse("shortlists:add_candidates", args=[world["vacancy"].pk])
    ids = [str(p.pk) for p in world["people"][:2]]
    response = client.post(url, {"person_ids": ids})
    shortlist = Shortlist.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("shortlists:shortlist_detail", args=[shortlist.pk])
    assert shortlist.entries.count() == 2
    # Nothing ticked: back with an error, nothing created.
    response = client.post(url, {"person_ids": []}, follow=True)
    assert "Selezionare almeno un candidato" in response.content.decode()
    assert client.get(url).status_code == 405


def test_scores_are_copied_from_the_ranked_list_the_operator_saw(client, world):
    run = MatchRun.objects.create(vacancy=world["vacancy"], weights_version="2025.1")
    criteria = {"profession": {"score": 1.0, "weight": 30, "explanation": "Stessa professione"}}
    MatchResult.objects.create(
        run=run,
        rank=1,
        person_ref=world["a"].pk,
        vacancy_ref=world["vacancy"].pk,
        score=77.7,
        criteria=criteria,
    )
    client.force_login(world["operator_a"])
    client.post(
        reverse("shortlists:add_candidates", args=[world["vacancy"].pk]),
        {"person_ids": [world["a"].pk, world["people"][1].pk], "match_run": run.pk},
    )
    entries = {e.person_id: e for e in Shortlist.objects.get().entries.all()}
    ranked = entries[world["a"].pk]
    assert (ranked.score, ranked.weights_version, ranked.criteria) == (77.7, "2025.1", criteria)
    # Not on that list: scored now by the engine.
    assert entries[world["people"][1].pk].score is not None
    page = client.get(reverse("shortlists:shortlist_detail", args=[ranked.shortlist_id]))
    assert "Stessa professione" in page.content.decode()


def test_list_is_scoped_to_the_offices(client, world, shortlist, django_assert_num_queries):
    client.force_login(world["operator_a"])
    client.get(reverse("shortlists:shortlist_list"))  # warm the session
    with django_assert_num_queries(8):
        response = client.get(reverse("shortlists:shortlist_list"))
    assert "Magazziniere con patente C" in response.content.decode()
    other = UserFactory(operator_of=world["cpi_b"])
    client.force_login(other)
    response = client.get(reverse("shortlists:shortlist_list"))
    assert "Magazziniere con patente C" not in response.content.decode()
    detail = reverse("shortlists:shortlist_detail", args=[shortlist.pk])
    assert client.get(detail).status_code == 404
    client.force_login(world["regional"])
    assert client.get(detail).status_code == 200


def test_detail_logs_candidates_and_disables_send_without_consent(
    client, world, shortlist, django_assert_num_queries
):
    client.force_login(world["operator_a"])
    url = reverse("shortlists:shortlist_detail", args=[shortlist.pk])
    client.get(url)
    with django_assert_num_queries(10):
        response = client.get(url)
    page = response.content.decode()
    assert "Ferraro Ciro" in page
    assert "Per inviare la rosa registrare il contatto" in page
    assert 'aria-describedby="send-help" disabled' in page
    logged = AccessLog.objects.filter(object_type="people.person", action="list")
    assert {int(row.object_id) for row in logged} >= {p.pk for p in world["people"]}
    contact(shortlist, world["a"])
    page = client.get(url).content.decode()
    assert "Sarà inviato 1 candidato" in page
    assert 'aria-describedby="send-help" disabled' not in page


def test_contact_send_feedback_outcome_through_the_pages(client, world, shortlist):
    client.force_login(world["operator_a"])
    entry = shortlist.entries.get(person=world["a"])
    url = reverse("shortlists:entry_contact", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"channel": "", "consent": "on"})
    assert response.status_code == 200  # channel is required
    response = client.post(url, {"channel": "phone", "consent": "on", "note": "Disponibile"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.consent_to_share and entry.contact_channel == "phone"

    response = client.post(
        reverse("shortlists:send", args=[shortlist.pk]), {"note": "Colloqui lunedì"}
    )
    assert response.status_code == 302
    shortlist.refresh_from_db()
    assert (shortlist.state, shortlist.note) == (ShortlistState.SENT, "Colloqui lunedì")

    response = client.post(
        reverse("shortlists:entry_feedback", args=[entry.pk]), {"feedback": "interested"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("shortlists:entry_outcome", args=[entry.pk]), {"outcome": "hired"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.feedback, entry.outcome) == ("interested", "hired")
    # Removing a sent candidate is refused with the reason.
    response = client.post(reverse("shortlists:entry_remove", args=[entry.pk]), follow=True)
    assert "già stata inviata" in response.content.decode()


def test_remove_and_close(client, world, shortlist):
    client.force_login(world["operator_a"])
    entry = shortlist.entries.get(person=world["a"])
    client.post(reverse("shortlists:entry_remove", args=[entry.pk]))
    assert shortlist.entries.count() == 2
    client.post(reverse("shortlists:close", args=[shortlist.pk]))
    shortlist.refresh_from_db()
    assert shortlist.state == ShortlistState.CLOSED


def test_other_cpi_cannot_touch_the_entries(client, world, shortlist):
    client.force_login(UserFactory(operator_of=world["cpi_b"]))
    entry = shortlist.entries.first()
    assert client.get(reverse("shortlists:entry_contact", args=[entry.pk])).status_code == 404
    assert client.post(reverse("shortlists:send", args=[shortlist.pk])).status_code == 404


def test_citizens_and_employers_get_403(client, world, shortlist):
    for user in (UserFactory(citizen=True), world["employer_user"]):
        client.force_login(user)
        assert client.get(reverse("shortlists:shortlist_list")).status_code == 403


def test_send_refused_on_the_page_without_consent(client, world, shortlist):
    client.force_login(world["operator_a"])
    response = client.post(reverse("shortlists:send", args=[shortlist.pk]), follow=True)
    assert "Nessun candidato ha dato il consenso" in response.content.decode()
    shortlist.refresh_from_db()
    assert shortlist.state == ShortlistState.DRAFT
    assert actions  # the actions module is the only writer


def test_admin_pages_are_read_only(client, world, sent):
    client.force_login(UserFactory(superuser=True))
    assert client.get("/operatori/admin/shortlists/shortlist/").status_code == 200
    response = client.get(f"/operatori/admin/shortlists/shortlist/{sent.pk}/change/")
    assert response.status_code == 200
    assert world["a"].last_name in response.content.decode()
    assert client.get("/operatori/admin/shortlists/shortlist/add/").status_code == 403
    assert client.get("/operatori/admin/shortlists/receivedcv/").status_code == 200
    assert client.get("/operatori/admin/shortlists/shortlistmessage/").status_code == 200
