"""The employer area: access rules, login landing, MFA, and that a firm sees only itself."""

from __future__ import annotations

import pyotp
import pytest

from sil.employers.models import EmployerMembership, EmployerRole
from tests.employers.factories import EmployerFactory, EmployerSiteFactory, employer_user
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db

AREA = "/imprese/"


def test_anonymous_goes_to_login(client):
    response = client.get(AREA)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_operators_citizens_and_users_without_firm_get_403(client):
    for user in (UserFactory(), UserFactory(citizen=True), UserFactory(employer=True, mfa=True)):
        client.force_login(user)
        assert client.get(AREA).status_code == 403, user.kind


def test_employer_without_mfa_is_sent_to_enrolment(client):
    user = employer_user(EmployerFactory(), mfa=False)
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == AREA  # lands in the employer area…
    response = client.get(AREA)
    assert response["Location"] == "/account/2fa/totp/activate/"  # …after enrolling TOTP
    assert client.get(f"{AREA}impresa/")["Location"] == "/account/2fa/totp/activate/"


def test_employer_login_with_totp_lands_in_the_area(client):
    employer = EmployerFactory(name="Vesuvio S.r.l.")
    user = employer_user(employer)
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/account/2fa/authenticate/"
    response = client.post("/account/2fa/authenticate/", {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response["Location"] == AREA
    page = client.get(AREA)
    assert page.status_code == 200
    assert "Vesuvio S.r.l." in page.content.decode()


def test_home_query_count(client, django_assert_num_queries):
    employer = EmployerFactory()
    user = employer_user(employer)
    for _ in range(3):
        EmployerSiteFactory(employer=employer)
        employer_user(employer, role=EmployerRole.RECRUITER)
    client.force_login(user)
    client.get(AREA)
    with django_assert_num_queries(12):
        response = client.get(AREA)
    assert response.status_code == 200


def test_each_firm_sees_only_itself(client):
    mine, theirs = EmployerFactory(name="Mia S.r.l."), EmployerFactory(name="Loro S.r.l.")
    EmployerSiteFactory(employer=theirs, name="Sede segreta")
    their_user = employer_user(theirs, role=EmployerRole.RECRUITER)
    client.force_login(employer_user(mine))
    assert "Sede segreta" not in client.get(f"{AREA}sedi/").content.decode()
    their_site = theirs.sites.get()
    assert client.get(f"{AREA}sedi/{their_site.pk}/").status_code == 404
    membership = their_user.employer_memberships.get()
    assert client.post(f"{AREA}utenti/{membership.pk}/rimuovi/").status_code == 404
    assert EmployerMembership.objects.filter(pk=membership.pk).exists()
    # Operator pages stay closed to employer users.
    assert client.get(f"/operatori/imprese/{theirs.pk}/").status_code == 403
    # Switching to a firm one is not a member of is refused.
    assert client.post(f"{AREA}impresa/cambia/", {"employer": theirs.pk}).status_code == 404


def test_admin_edits_profile_and_consent_recruiter_only_reads(client):
    employer = EmployerFactory()
    recruiter = employer_user(employer, role=EmployerRole.RECRUITER)
    client.force_login(recruiter)
    assert client.get(f"{AREA}impresa/").status_code == 200
    response = client.post(f"{AREA}impresa/", {"description": "x"})
    assert response.status_code == 403
    assert client.get(f"{AREA}sedi/nuova/").status_code == 403
    assert client.get(f"{AREA}utenti/nuovo/").status_code == 403
    client.force_login(employer_user(employer))
    response = client.post(
        f"{AREA}impresa/",
        {"description": "Pizze dal 1950", "phone": "081 5551234", "directory_consent": "on"},
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.description == "Pizze dal 1950"
    assert employer.directory_consent
    assert employer.directory_consents.get().by is not None


def test_admin_adds_a_recruiter_and_sites(client):
    employer = EmployerFactory(municipality__name="Nola")
    client.force_login(employer_user(employer))
    response = client.post(
        f"{AREA}utenti/nuovo/",
        {"email": "sel@example.it", "first_name": "Ugo", "last_name": "Neri", "role": "recruiter"},
    )
    assert response.status_code == 302
    assert employer.memberships.filter(user__email="sel@example.it", role="recruiter").exists()
    response = client.post(
        f"{AREA}sedi/nuova/",
        {"name": "Punto vendita", "municipality": employer.municipality.istat_code},
    )
    assert response.status_code == 302, response.content.decode()
    assert employer.sites.get().name == "Punto vendita"


def test_consultant_switches_firm(client):
    first, second = EmployerFactory(name="Alfa S.r.l."), EmployerFactory(name="Beta S.r.l.")
    user = employer_user(first)
    EmployerMembership.objects.create(user=user, employer=second, role=EmployerRole.ADMIN)
    client.force_login(user)
    assert client.get(AREA).context["employer"] == first
    client.post(f"{AREA}impresa/cambia/", {"employer": second.pk})
    assert client.get(AREA).context["employer"] == second


def test_ceased_firm_closes_the_area(client):
    employer = EmployerFactory()
    user = employer_user(employer)
    client.force_login(user)
    employer.is_active = False
    employer.save()
    assert client.get(AREA).status_code == 403


def test_employer_navigation(client):
    client.force_login(employer_user(EmployerFactory()))
    html = client.get(AREA).content.decode()
    assert f'href="{AREA}"' in html
    assert "/operatori/imprese/" not in html
