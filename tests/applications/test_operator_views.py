"""Operators' application pages: scoping by office, filters, state changes, person page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sil.applications.actions import do_apply, do_apply_spontaneous
from sil.applications.models import ApplicationState
from sil.core.models import AccessLog
from tests.applications.factories import CvFactory, EmployerFactory, VacancyFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, world):
    client.force_login(world["operator_a"])
    return client


@pytest.fixture
def apps(world):
    """A applies to CPI A's vacancy; B applies to a vacancy of CPI B; B also applies
    spontaneously to CPI A's employer."""
    vacancy_b = VacancyFactory(office=world["cpi_b"], title="Magazziniere a Salerno")
    return {
        "a": do_apply(world["a"], world["vacancy"], by=world["citizen_a"]),
        "b": do_apply(world["b"], vacancy_b, by=world["citizen_b"]),
        "b_spontaneous": do_apply_spontaneous(world["b"], world["employer"], by=world["citizen_b"]),
    }


def test_list_is_scoped_to_the_operators_offices(operator, world, apps):
    page = operator.get(reverse("applications:application_list")).content.decode()
    assert world["a"].full_name in page
    # B's application to a CPI B vacancy is not visible; the spontaneous one to A's employer is.
    assert "Magazziniere a Salerno" not in page
    assert page.count(world["b"].full_name) == 1
    logged = AccessLog.objects.filter(action="list", object_type="applications.application")
    assert set(logged.values_list("object_id", flat=True)) == {
        str(apps["a"].pk),
        str(apps["b_spontaneous"].pk),
    }


def test_detail_of_another_office_is_404(operator, apps):
    assert (
        operator.get(reverse("applications:application_detail", args=[apps["b"].pk])).status_code
        == 404
    )
    response = operator.post(
        reverse("applications:application_transition", args=[apps["b"].pk]), {"state": "viewed"}
    )
    assert response.status_code == 404


def test_regional_users_see_everything(client, world, apps):
    client.force_login(world["regional"])
    page = client.get(reverse("applications:application_list")).content.decode()
    assert "Magazziniere a Salerno" in page


def test_citizens_cannot_reach_operator_pages(client, world, apps):
    client.force_login(world["citizen_a"])
    assert client.get(reverse("applications:application_list")).status_code == 403


def test_filters(operator, world, apps):
    url = reverse("applications:application_list")
    page = operator.get(url, {"vacancy": world["vacancy"].pk}).content.decode()
    assert world["a"].full_name in page and world["b"].full_name not in page
    page = operator.get(url, {"state": "rejected"}).content.decode()
    assert "Nessuna candidatura" in page
    page = operator.get(url, {"state": "open", "office": world["cpi_a"].pk}).content.decode()
    assert world["a"].full_name in page


def test_list_query_count_is_flat(
    operator, world, apps, django_assert_num_queries, django_assert_max_num_queries
):
    url = reverse("applications:application_list")
    operator.get(url)
    with django_assert_max_num_queries(10) as first:
        operator.get(url)
    for _ in range(4):
        person = world["a"].__class__.objects.get(pk=world["a"].pk)
        do_apply(
            person,
            VacancyFactory(office=world["cpi_a"]),
            cv=CvFactory(person=person),
            by=world["citizen_a"],
        )
    with django_assert_num_queries(len(first.captured_queries)):
        operator.get(url)


def test_detail_and_state_change(operator, world, apps, django_assert_max_num_queries):
    url = reverse("applications:application_detail", args=[apps["a"].pk])
    # Two of them list the messages sent with their outbox status, however many there are.
    with django_assert_max_num_queries(12):
        page = operator.get(url).content.decode()
    assert "Cambia stato" in page
    response = operator.post(
        reverse("applications:application_transition", args=[apps["a"].pk]),
        {"state": ApplicationState.IN_SELECTION, "note": "Convocare"},
    )
    assert response.status_code == 302
    apps["a"].refresh_from_db()
    assert apps["a"].state == ApplicationState.IN_SELECTION
    assert "Convocare" in operator.get(url).content.decode()
    # A move the table does not allow from here is refused with a message.
    operator.post(
        reverse("applications:application_transition", args=[apps["a"].pk]), {"state": "viewed"}
    )
    apps["a"].refresh_from_db()
    assert apps["a"].state == ApplicationState.IN_SELECTION


def test_person_page_panel_and_timeline(operator, world, apps):
    page = operator.get(reverse("people:person_detail", args=[world["a"].pk])).content.decode()
    assert world["vacancy"].title in page
    assert "Candidatura:" in page


def test_operator_of_another_cpi_sees_nothing(client, world, apps):
    other = UserFactory(operator_of=EmployerFactory().office or world["cpi_b"])
    client.force_login(other)
    page = client.get(reverse("applications:application_list")).content.decode()
    assert world["a"].full_name not in page
