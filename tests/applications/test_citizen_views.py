"""The citizen area: demo sign-in, own data only, CVs, applying, withdrawing, query counts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sil.accounts.models import User, UserKind
from sil.applications.actions import do_apply, do_change_state
from sil.applications.models import Application, ApplicationState
from sil.core.models import AccessLog
from sil.dossier.cv import do_create_cv_from_dossier
from sil.dossier.models import Cv
from tests.applications.factories import CvFactory, EmployerFactory, VacancyFactory
from tests.dossier.factories import WorkExperienceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(client, world):
    client.force_login(world["citizen_a"])
    return client


# --- demo sign-in ------------------------------------------------------------------------


def test_demo_login_is_404_outside_demo_mode(client, world, settings):
    settings.DEMO = False
    url = reverse("citizen:demo_login")
    assert client.get(url).status_code == 404
    assert client.post(url, {"fiscal_code": world["a"].fiscal_code}).status_code == 404


def test_demo_login_signs_in_a_registered_person_creating_the_user_once(client, world, settings):
    settings.DEMO = True
    code = world["b"].fiscal_code
    User.objects.filter(fiscal_code=code).delete()
    url = reverse("citizen:demo_login")
    assert client.get(url).status_code == 200
    response = client.post(url, {"fiscal_code": code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("citizen:home")
    user = User.objects.get(fiscal_code=code)
    assert user.kind == UserKind.CITIZEN and not user.has_usable_password()
    assert client.get(reverse("citizen:home")).status_code == 200
    client.logout()
    client.post(url, {"fiscal_code": code})
    assert User.objects.filter(fiscal_code=code).count() == 1


def test_demo_login_refuses_unknown_codes_and_operator_accounts(client, world, settings):
    settings.DEMO = True
    url = reverse("citizen:demo_login")
    response = client.post(url, {"fiscal_code": "RSSMRA80A01F839X"})
    assert response.status_code == 200
    assert "Nessuna persona registrata" in response.content.decode()
    operator = world["operator_a"]
    operator.fiscal_code = world["b"].fiscal_code
    operator.save()
    User.objects.filter(fiscal_code=world["b"].fiscal_code, kind=UserKind.CITIZEN).delete()
    response = client.post(url, {"fiscal_code": world["b"].fiscal_code})
    assert "non è di un cittadino" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_demo_login_keeps_a_local_next_and_drops_a_foreign_one(client, world, settings):
    settings.DEMO = True
    url = reverse("citizen:demo_login")
    response = client.post(
        url, {"fiscal_code": world["a"].fiscal_code, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("citizen:home")
    client.logout()
    target = reverse("citizen:cv_list")
    response = client.post(url, {"fiscal_code": world["a"].fiscal_code, "next": target})
    assert response["Location"] == target


# --- who gets in -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, world, settings):
    settings.DEMO = True
    response = client.get(reverse("citizen:cv_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("citizen:demo_login"))


def test_operators_and_employers_are_refused(client, world):
    client.force_login(world["operator_a"])
    assert client.get(reverse("citizen:home")).status_code == 403


def test_a_citizen_sees_only_their_own_cvs_and_applications(anna, world):
    theirs = CvFactory(person=world["b"])
    application = do_apply(world["b"], world["vacancy"], cv=theirs, by=world["citizen_b"])
    for name in ("cv_detail", "cv_edit", "cv_delete", "cv_pdf", "cv_json"):
        assert anna.get(reverse(f"citizen:{name}", args=[theirs.pk])).status_code == 404, name
    assert anna.post(reverse("citizen:cv_duplicate", args=[theirs.pk])).status_code == 404
    assert anna.post(reverse("citizen:cv_make_default", args=[theirs.pk])).status_code == 404
    detail = reverse("citizen:application_detail", args=[application.pk])
    assert anna.get(detail).status_code == 404
    withdraw = reverse("citizen:application_withdraw", args=[application.pk])
    assert anna.post(withdraw).status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert (
        world["b"].full_name not in anna.get(reverse("citizen:application_list")).content.decode()
    )


# --- pages -------------------------------------------------------------------------------


def test_home_shows_profile_cvs_and_applications(
    anna, world, django_assert_num_queries, django_assert_max_num_queries
):
    CvFactory(person=world["a"], name="Magazzino", is_default=True)
    do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    url = reverse("citizen:home")
    anna.get(url)
    # The suggestions come from the matching engine and cost what it costs; the page's own
    # queries must not grow with the CVs and applications shown.
    with django_assert_max_num_queries(100) as first:
        response = anna.get(url)
    page = response.content.decode()
    assert world["a"].fiscal_code in page
    assert "Magazzino" in page
    assert world["vacancy"].title in page
    for n in range(3):
        CvFactory(person=world["a"], name=f"Altro {n}")
        do_apply(world["a"], VacancyFactory(), by=world["citizen_a"])
    with django_assert_num_queries(len(first.captured_queries)):
        anna.get(url)


def test_cv_create_from_the_dossier_edit_and_exports(anna, world):
    job = WorkExperienceFactory(person=world["a"], employer_name="Conad Vomero")
    WorkExperienceFactory(person=world["a"], employer_name="Pizzeria Da Mario")
    response = anna.get(reverse("citizen:cv_create"))
    assert "Conad Vomero" in response.content.decode()
    response = anna.post(
        reverse("citizen:cv_create"),
        {"name": "Vendite", "headline": "Addetto vendite", "rows_esperienze": [job.pk]},
    )
    cv = Cv.objects.get(person=world["a"])
    assert response["Location"] == reverse("citizen:cv_detail", args=[cv.pk])
    assert cv.is_default and cv.selected_ids("esperienze") == [job.pk]
    page = anna.get(reverse("citizen:cv_detail", args=[cv.pk])).content.decode()
    assert "Conad Vomero" in page and "Pizzeria Da Mario" not in page

    pdf = anna.get(reverse("citizen:cv_pdf", args=[cv.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    exported = json.loads(anna.get(reverse("citizen:cv_json", args=[cv.pk])).content)
    assert exported["SkillsPassport"]["LearnerInfo"]["WorkExperience"][0]["Employer"]["Name"] == (
        "Conad Vomero"
    )
    actions = set(AccessLog.objects.filter(object_id=str(cv.pk)).values_list("action", flat=True))
    assert {"print", "export"} <= actions


def test_cv_form_errors_are_shown(anna, world):
    response = anna.post(reverse("citizen:cv_create"), {"name": ""})
    assert response.status_code == 200
    assert "Il modulo contiene errori" in response.content.decode()
    assert not Cv.objects.filter(person=world["a"]).exists()


def test_cv_list_duplicate_default_delete(anna, world, django_assert_max_num_queries):
    first = do_create_cv_from_dossier(world["a"], "Primo")
    with django_assert_max_num_queries(8):
        anna.get(reverse("citizen:cv_list"))
    anna.post(reverse("citizen:cv_duplicate", args=[first.pk]))
    copy = Cv.objects.exclude(pk=first.pk).get(person=world["a"])
    anna.post(reverse("citizen:cv_make_default", args=[copy.pk]))
    assert Cv.objects.get(pk=copy.pk).is_default
    anna.post(reverse("citizen:cv_delete", args=[copy.pk]))
    assert Cv.objects.get(person=world["a"]).is_default


def test_apply_with_the_second_of_two_cvs(anna, world):
    CvFactory(person=world["a"], name="Magazzino", is_default=True)
    sales = CvFactory(person=world["a"], name="Vendite")
    url = reverse("citizen:apply", args=[world["vacancy"].pk])
    page = anna.get(url).content.decode()
    assert "Magazzino" in page and "Vendite" in page
    response = anna.post(url, {"cv": sales.pk, "message": "Grazie"})
    assert "occorre confermare" in response.content.decode()
    response = anna.post(url, {"cv": sales.pk, "message": "Grazie", "confirm": "on"})
    application = Application.objects.get(person=world["a"])
    assert response["Location"] == reverse("citizen:application_detail", args=[application.pk])
    assert application.cv == sales and application.message == "Grazie"
    again = anna.post(url, {"cv": sales.pk, "confirm": "on"})
    assert "già una candidatura aperta" in again.content.decode()


def test_apply_refuses_someone_elses_cv_and_closed_vacancies(anna, world):
    theirs = CvFactory(person=world["b"])
    CvFactory(person=world["a"])
    url = reverse("citizen:apply", args=[world["vacancy"].pk])
    response = anna.post(url, {"cv": theirs.pk, "confirm": "on"})
    assert response.status_code == 200
    assert not Application.objects.exists()
    closed = VacancyFactory(draft=True)
    assert anna.get(reverse("citizen:apply", args=[closed.pk])).status_code == 404


def test_apply_without_a_cv_offers_to_create_one(anna, world):
    page = anna.get(reverse("citizen:apply", args=[world["vacancy"].pk])).content.decode()
    assert reverse("citizen:cv_create") in page


def test_spontaneous_application(anna, world):
    employer = EmployerFactory(name="Caseificio Aversano")
    cv = CvFactory(person=world["a"])
    url = reverse("citizen:apply_spontaneous", args=[employer.pk])
    assert "Caseificio Aversano" in anna.get(url).content.decode()
    anna.post(url, {"cv": cv.pk, "confirm": "on"})
    application = Application.objects.get(person=world["a"])
    assert application.vacancy is None and application.employer == employer


def test_application_detail_history_and_withdrawal(
    anna, world, django_assert_num_queries, django_assert_max_num_queries
):
    application = do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    do_change_state(application, ApplicationState.VIEWED, world["operator_a"], note="Letta")
    url = reverse("citizen:application_detail", args=[application.pk])
    anna.get(url)
    # The explanation costs what the matching engine costs; the history must not add a query
    # per event.
    with django_assert_max_num_queries(100) as first:
        page = anna.get(url).content.decode()
    assert "Letta" in page and "Ritira la candidatura" in page
    do_change_state(application, ApplicationState.IN_SELECTION, world["operator_a"])
    do_change_state(application, ApplicationState.INTERVIEW, world["operator_a"])
    with django_assert_num_queries(len(first.captured_queries)):
        anna.get(url)
    anna.post(
        reverse("citizen:application_withdraw", args=[application.pk]), {"note": "Ho trovato"}
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN
    assert "Ritira la candidatura" not in anna.get(url).content.decode()


def test_application_list_query_count_does_not_grow(
    anna, world, django_assert_num_queries, django_assert_max_num_queries
):
    do_apply(world["a"], world["vacancy"], by=world["citizen_a"])
    url = reverse("citizen:application_list")
    anna.get(url)
    with django_assert_max_num_queries(7) as one:
        anna.get(url)
    for _ in range(3):
        do_apply(
            world["a"], VacancyFactory(), cv=CvFactory(person=world["a"]), by=world["citizen_a"]
        )
    with django_assert_num_queries(len(one.captured_queries)):
        anna.get(url)
