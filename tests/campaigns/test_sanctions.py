"""Export of sanctionable events for the national platform: content, batches, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sil.campaigns import sanctions
from sil.campaigns.models import Outcome, SanctionEvent
from sil.campaigns.outcomes import do_record_outcome
from sil.core.permissions import visible_office_ids
from tests.campaigns.reception_world import give_appointment, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    data = make_world(people=3)
    absent, refused, _ = data["convocations"]
    for convocation in (absent, refused):
        give_appointment(convocation, starts_at=timezone.now() - dt.timedelta(days=1))
    do_record_outcome(absent, Outcome.ASS_INGIUST, by=data["operator"])
    do_record_outcome(refused, Outcome.PRES_NOPSP, by=data["operator"])
    data["absent"], data["refused"] = absent, refused
    return data


def test_csv_has_one_row_per_event_in_the_platform_layout(world):
    result = sanctions.export(world["campaign"], "csv")

    rows = list(csv.DictReader(io.StringIO(result.content), delimiter=";"))
    assert result.batch == "" and result.count == 2
    assert list(rows[0]) == list(sanctions.FIELDS)
    by_code = {row["codice_evento"]: row for row in rows}
    absent = world["absent"]
    assert by_code["ASS_INGIUST"] == {
        "codice_fiscale": absent.person.fiscal_code,
        "misura": world["campaign"].programme.code,
        "codice_evento": "ASS_INGIUST",
        "data_evento": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "codice_cpi": world["office"].code,
        "campagna": world["campaign"].slug,
        "id_convocazione": str(absent.pk),
    }
    assert by_code["PRES_NOPSP"]["codice_fiscale"] == world["refused"].person.fiscal_code
    # A plain export marks nothing.
    assert not SanctionEvent.objects.filter(exported_at__isnull=False).exists()


def test_mark_sent_stamps_a_batch_that_can_be_exported_again(world):
    campaign = world["campaign"]

    sent = sanctions.export(campaign, "json", mark_sent=True, by=world["regional"])

    payload = json.loads(sent.content)
    assert payload["lotto"] == sent.batch and len(payload["eventi"]) == 2
    assert set(SanctionEvent.objects.values_list("export_batch", flat=True)) == {sent.batch}
    assert sanctions.export(campaign, "json").count == 0  # nothing left to send
    again = sanctions.export(campaign, "json", batch=sent.batch)
    assert json.loads(again.content)["eventi"] == payload["eventi"]
    assert sanctions.batches(campaign)[0]["events"] == 2


def test_operators_export_only_their_offices(world):
    other = visible_office_ids(world["other_operator"])
    assert other and world["office"].pk not in other
    assert sanctions.export(world["campaign"], "csv", offices=other).count == 0


def test_unknown_format_is_refused(world):
    with pytest.raises(sanctions.SanctionExportError):
        sanctions.export(world["campaign"], "xml")


def test_cli_exports_and_marks(world, tmp_path):
    target = tmp_path / "eventi.json"
    err = StringIO()

    call_command(
        "sanctions_export",
        "--campaign",
        world["campaign"].slug,
        "--format",
        "json",
        "--mark-sent",
        "--output",
        str(target),
        stderr=err,
    )

    payload = json.loads(target.read_text(encoding="utf-8"))
    assert {e["codice_evento"] for e in payload["eventi"]} == {"ASS_INGIUST", "PRES_NOPSP"}
    assert "Lotto:" in err.getvalue()
    out = StringIO()
    call_command(
        "sanctions_export",
        "--campaign",
        world["campaign"].slug,
        "--batch",
        payload["lotto"],
        stdout=out,
        stderr=StringIO(),
    )
    assert out.getvalue().count("\n") == 3  # header and two rows
    with pytest.raises(CommandError):
        call_command("sanctions_export", "--campaign", "nessuna")
