"""Downloads of the dashboard: CPI figures and the convocation list, CSV and XLSX."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sil.core.models import AccessLog
from tests.campaigns.test_dashboard import world  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _csv(response) -> list[list[str]]:
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(_body(response)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def _url(name, campaign, fmt):
    return reverse(f"campaigns:dashboard_export_{name}", args=[campaign.pk, fmt])


def test_offices_csv_and_xlsx_for_the_region(client, world):  # noqa: F811
    client.force_login(world["regional"])
    rows = _csv(client.get(_url("offices", world["campaign"], "csv")))
    assert rows[0][:3] == ["Codice CPI", "CPI", "Convocati"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"CPI A", "CPI B", "Totale"}
    # Convocati, Invitati, Consegnati, Confermati, Con appuntamento, Ricevuti, Patto.
    assert by_name["CPI A"][2:9] == ["6", "5", "2", "2", "2", "1", "1"]
    assert by_name["Totale"][2] == "9" and by_name["Totale"][12] == "6"
    sheet = _xlsx(client.get(_url("offices", world["campaign"], "xlsx")))
    assert sheet[0][1] == "CPI" and len(sheet) == 4
    assert [row[2] for row in sheet[1:]] == [6, 3, 9]
    # No personal data in the figures: nothing logged.
    assert not AccessLog.objects.exists()


def test_convocation_list_is_scoped_and_access_logged(client, world, django_assert_num_queries):  # noqa: F811
    campaign = world["campaign"]
    client.force_login(world["operator_a"])
    client.get(reverse("campaigns:dashboard", args=[campaign.pk]))  # warm the session
    response = client.get(_url("convocations", campaign, "csv"))
    with django_assert_num_queries(1):  # the rows come from a single statement
        rows = _csv(response)
    assert rows[0][0] == "Codice fiscale"
    assert len(rows) == 1 + 6
    assert {row[4] for row in rows[1:]} == {"CPI A"}
    states = sorted(row[5] for row in rows[1:])
    assert states.count("esitata") == 2 and "confermata" in states
    # The best status of the campaign's messages to each person (another campaign's ignored).
    deliveries = sorted(row[7] for row in rows[1:])
    assert deliveries == ["", "", "", "consegnato", "inviato", "letto"]
    outcomes = {row[8] for row in rows[1:]}
    assert {"Presente, Patto firmato", "Assente non giustificato", ""} == outcomes
    logged = AccessLog.objects.filter(action="export")
    assert logged.filter(object_type="campaigns.campaign").count() == 1
    people = set(logged.filter(object_type="people.person").values_list("object_id", flat=True))
    expected = {
        str(pk)
        for pk in campaign.convocations.filter(office=world["cpi_a"]).values_list(
            "person_id", flat=True
        )
    }
    assert people == expected
    assert set(logged.values_list("username", flat=True)) == {world["operator_a"].email}


def test_convocation_list_xlsx_for_one_office(client, world):  # noqa: F811
    campaign = world["campaign"]
    client.force_login(world["regional"])
    url = _url("convocations", campaign, "xlsx") + f"?ufficio={world['cpi_b'].pk}"
    response = client.get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{campaign.slug}-convocazioni-" in response["Content-Disposition"]
    sheet = _xlsx(response)
    assert sheet[0][0] == "Codice fiscale" and len(sheet) == 1 + 3
    codes = {row[0] for row in sheet[1:]}
    expected = set(
        campaign.convocations.filter(office=world["cpi_b"]).values_list(
            "person__fiscal_code", flat=True
        )
    )
    assert codes == expected
    assert AccessLog.objects.filter(object_type="people.person").count() == 3


def test_exports_refuse_other_offices_and_unknown_formats(client, world):  # noqa: F811
    campaign = world["campaign"]
    client.force_login(world["operator_a"])
    other = _url("convocations", campaign, "csv") + f"?ufficio={world['cpi_b'].pk}"
    assert client.get(other).status_code == 404
    assert client.get(_url("offices", campaign, "pdf")).status_code == 404
    assert not AccessLog.objects.filter(object_type="people.person").exists()


def test_too_long_for_excel_goes_back_with_a_message(client, world, monkeypatch):  # noqa: F811
    from sil.campaigns import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 5)
    campaign = world["campaign"]
    client.force_login(world["regional"])
    page = client.get(reverse("campaigns:dashboard", args=[campaign.pk])).content.decode()
    assert _url("convocations", campaign, "xlsx") not in page
    assert _url("convocations", campaign, "csv") in page
    response = client.get(_url("convocations", campaign, "xlsx"), follow=True)
    assert "troppo lungo per Excel" in response.content.decode()
    assert not AccessLog.objects.filter(action="export").exists()
    # One CPI fits.
    one = _url("convocations", campaign, "xlsx") + f"?ufficio={world['cpi_b'].pk}"
    assert len(_xlsx(client.get(one))) == 4
