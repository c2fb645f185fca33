"""Office pages: list with filters and pagination, detail, contacts editor and its permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sil.accounts.models import Membership, Role, User, UserKind
from sil.territory.models import Competence, Office


@pytest.fixture
def offices(territory):
    region = Office.objects.create(kind="region", code="REG", name="Regione – Direzione Lavoro")
    made = [region]
    for number in range(30):
        office = Office.objects.create(kind="cpi", code=f"CPI-{number:02d}", name=f"CPI numero {number:02d}",
                                       parent=region, municipality=territory["napoli"])  # fmt: skip
        made.append(office)
    Competence.objects.create(office=made[1], municipality=territory["napoli"])
    Competence.objects.create(office=made[1], municipality=territory["pozzuoli"])
    Competence.objects.create(office=made[2], municipality=territory["salerno"])
    Office.objects.create(
        kind="desk", code="SL-1", name="Sportello di Sarno", municipality=territory["sarno"]
    )
    return made


def login(client, role: str | None = None, office: Office | None = None, **extra) -> User:
    user = User.objects.create_user(username=f"u{role}{extra}", email=f"{role or 'x'}@example.org",
                                    password="x" * 14, kind=UserKind.OPERATOR, **extra)  # fmt: skip
    if role:
        Membership.objects.create(user=user, office=office, role=role)
    client.force_login(user)
    session = client.session
    session["sil_mfa_ok"] = True  # the MFA enrolment flow is tested in accounts
    session.save()
    return user


def test_list_paginates_counts_and_bounds_queries(client, offices, django_assert_max_num_queries):
    login(client)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("territory:office_list"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 32 and len(page.object_list) == 25
    first = next(o for o in page.object_list if o.code == "CPI-00")
    assert first.served == 2
    html = response.content.decode()
    assert 'class="pagination"' in html and "32 uffici trovati" in html
    with django_assert_max_num_queries(15):
        assert client.get(reverse("territory:office_list"), {"page": 2}).status_code == 200


def test_list_filters(client, offices):
    login(client)
    url = reverse("territory:office_list")
    assert client.get(url, {"kind": "desk"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "numero 0"}).context["page"].paginator.count == 10
    # Salerno: CPI-01 serves Salerno, the desk sits in Sarno; counts are not multiplied.
    by_province = client.get(url, {"province": "SA"}).context["page"].object_list
    assert {o.code: o.served for o in by_province} == {"CPI-01": 1, "SL-1": 0}
    by_province = client.get(url, {"province": "NA"}).context["page"].paginator.count
    assert by_province == 30  # every CPI has its seat in Napoli


def test_detail_lists_municipalities(client, offices):
    login(client)
    response = client.get(reverse("territory:office_detail", args=[offices[1].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pozzuoli" in html and "063060" in html
    assert reverse("territory:office_edit", args=[offices[1].pk]) not in html  # not an editor


def test_edit_forbidden_without_role(client, offices):
    login(client, Role.CPI_OPERATOR, offices[1])
    url = reverse("territory:office_edit", args=[offices[1].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"phone": "1"}).status_code == 403


def test_edit_requires_login(client, offices):
    response = client.get(reverse("territory:office_edit", args=[offices[1].pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("how", ["region", "admin", "staff"])
def test_edit_by_region_admin_or_staff(client, offices, how):
    office = offices[1]
    if how == "staff":
        login(client, is_staff=True)
    else:
        login(client, how, offices[0])
    url = reverse("territory:office_edit", args=[office.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_phone"' in html and 'class="form-control"' in html
    data = {"address": "Via Toledo 1", "postal_code": "80134", "phone": "081 000", "email": "cpi@example.org",
            "pec": "", "opening_hours": "Lunedì 9-12"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.address, office.postal_code, office.opening_hours) == (
        "Via Toledo 1",
        "80134",
        "Lunedì 9-12",
    )


def test_edit_errors_are_announced(client, offices):
    login(client, is_staff=True)
    url = reverse("territory:office_edit", args=[offices[1].pk])
    response = client.post(url, {"postal_code": "801", "email": "non-valida"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-describedby="id_postal_code_error id_postal_code_helptext"' in html
    assert 'id="id_email_error"' in html and "invalid-feedback" in html
    assert 'aria-invalid="true"' in html
    offices[1].refresh_from_db()
    assert offices[1].postal_code == ""


def test_api_filters(client, offices):
    user = User.objects.create_user(
        username="sys", email="sys@example.org", password="x" * 14, kind=UserKind.SYSTEM
    )
    client.force_login(user)
    body = client.get("/api/v1/offices/", {"kind": "desk"}).json()
    assert body["count"] == 1 and body["results"][0]["code"] == "SL-1"
    body = client.get("/api/v1/offices/", {"istat_code": "063060"}).json()
    assert [o["code"] for o in body["results"]] == ["CPI-00"]
    assert body["results"][0]["municipalities_count"] == 2
    body = client.get("/api/v1/municipalities/", {"cadastral_code": "g964"}).json()
    assert [m["name"] for m in body["results"]] == ["Pozzuoli"]
    body = client.get("/api/v1/municipalities/", {"istat_code": "063049"}).json()
    assert body["count"] == 1
    names = [m["name"] for m in client.get("/api/v1/municipalities/").json()["results"]]
    assert names == sorted(names)
