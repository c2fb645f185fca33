"""The person 360° page: registry data, consents, CF history, panels of other apps, timeline."""

import datetime as dt

import pytest
from django.urls import reverse

from sil.core.models import AccessLog
from sil.core.registry import registry
from sil.people import panels
from sil.people.panels import PersonPanel
from sil.people.timeline import timeline
from tests.factories import (
    CompetenceFactory,
    FiscalCodeChangeFactory,
    OfficeFactory,
    PersonFactory,
    PrivacyConsentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    cpi = OfficeFactory()
    person = PersonFactory(competent_office=cpi, with_permit=True)
    return {"cpi": cpi, "person": person, "operator": UserFactory(operator_of=cpi)}


@pytest.fixture
def test_panel():
    panel = PersonPanel(
        key="test-panel",
        title="Pannello di prova",
        template="people/_test_panel.html",
        order=999,
        context=lambda request, person: {"greeting": f"Ciao {person.first_name}"},
    )
    panels.register(panel)
    yield panel
    registry.person_panels.unregister(panel.key)


def test_page_shows_consents_cf_history_permit_and_timeline(client, setup):
    person = setup["person"]
    PrivacyConsentFactory(person=person, at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    PrivacyConsentFactory(person=person, withdrawn=True, at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    change = FiscalCodeChangeFactory(person=person)
    client.force_login(setup["operator"])
    response = client.get(reverse("people:person_detail", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert change.old_code in html
    assert "a tempo indeterminato" in html
    in_force = response.context["consents_in_force"]
    assert [(c.kind, c.given) for c in in_force] == [("privacy_notice", False)]
    kinds = [event.kind for event in response.context["timeline"]]
    assert kinds.count("consent") == 2
    assert "fiscal_code" in kinds and "registration" in kinds
    assert AccessLog.objects.filter(object_id=str(person.pk), action="view").count() == 1


def test_timeline_is_newest_first(setup):
    person = setup["person"]
    PrivacyConsentFactory(person=person, at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC))
    events = timeline(person)
    assert events[0].kind == "registration"
    assert events[-1].at == dt.datetime(2001, 1, 1, tzinfo=dt.UTC)


def test_registered_panels_are_rendered(client, setup, test_panel, tmp_path, settings):
    template_dir = tmp_path / "people"
    template_dir.mkdir()
    (template_dir / "_test_panel.html").write_text("<p>{{ greeting }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}, *settings.TEMPLATES[1:]]
    client.force_login(setup["operator"])
    response = client.get(reverse("people:person_detail", args=[setup["person"].pk]))
    html = response.content.decode()
    assert 'id="test-panel"' in html
    assert f"<p>Ciao {setup['person'].first_name}</p>" in html


def test_person_page_queries_do_not_grow(client, setup, django_assert_max_num_queries):
    person = setup["person"]
    client.force_login(setup["operator"])
    url = reverse("people:person_detail", args=[person.pk])
    client.get(url)  # warm the session
    # The bound includes the panels and timeline sources of the other apps (DID, dossier…).
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    own = [q["sql"] for q in few.captured_queries if q["sql"].startswith('SELECT "people_')]
    assert len(own) == 3  # the person with places, its CF changes, its consents
    operator = UserFactory(operator_of=setup["cpi"])
    for _ in range(5):
        PrivacyConsentFactory(person=person, by=operator)
        FiscalCodeChangeFactory(person=person, by=operator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["fiscal_code_changes"]) == 5


def test_operator_changes_the_fiscal_code_and_records_a_consent(client, setup):
    from sil.core import fiscal_code as cf
    from sil.people.models import FiscalCodeChange, PrivacyConsent

    person = setup["person"]
    CompetenceFactory(office=setup["cpi"], municipality=person.residence_municipality)
    client.force_login(setup["operator"])
    url = reverse("people:person_change_fiscal_code", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"fiscal_code": "RSSMRA79B11C566A", "reason": "correction"})
    assert response.status_code == 200
    assert response.context["form"].errors["fiscal_code"]
    new = cf.omocodic_variant(person.fiscal_code, 1)
    response = client.post(url, {"fiscal_code": new, "reason": "correction", "note": "AdE"})
    assert response.status_code == 302
    change = FiscalCodeChange.objects.get()
    assert (change.new_code, change.by) == (new, setup["operator"])
    url = reverse("people:person_record_consent", args=[person.pk])
    response = client.post(url, {"kind": "digital_contact", "given": "0"})
    assert response.status_code == 302
    consent = PrivacyConsent.objects.get()
    assert (consent.kind, consent.given, consent.by) == (
        "digital_contact",
        False,
        setup["operator"],
    )


def test_forms_refuse_people_of_other_offices(client, setup):
    other = PersonFactory(competent_office=OfficeFactory())
    client.force_login(setup["operator"])
    for name in ("people:person_change_fiscal_code", "people:person_record_consent"):
        url = reverse(name, args=[other.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"kind": "providers", "given": "1"}).status_code == 404
    assert not other.consents.exists()
