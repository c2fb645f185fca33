"""`sil offices import`: good files, re-imports, and every kind of bad row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sil.territory.models import Competence, Office, OfficeKind
from sil.territory.queries import competent_office

HEADER = ["code", "kind", "name", "parent_code", "address", "postal_code", "municipality_istat",
          "phone", "email", "pec", "opening_hours", "municipalities"]  # fmt: skip


def offices_csv(tmp_path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    path = tmp_path / "uffici.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})
    return path


def good_rows() -> list[dict[str, str]]:
    return [
        {
            "code": "REG",
            "kind": "region",
            "name": "Regione – Direzione Lavoro",
            "municipalities": "",
        },
        {
            "code": "CPI-NA-1",
            "kind": "cpi",
            "name": "CPI di Napoli",
            "parent_code": "REG",
            "address": "Via Roma 1",
            "postal_code": "80100",
            "municipality_istat": "063049",
            "phone": "081 123456",
            "email": "cpi.napoli@example.org",
            "pec": "cpi.napoli@pec.example.org",
            "opening_hours": "Lunedì–venerdì 9:00–12:30\nMartedì 15:00–17:00",
            "municipalities": "063049;063060",
        },
        {
            "code": "CPI-NA-2",
            "kind": "cpi",
            "name": "CPI di Nola",
            "parent_code": "REG",
            "municipalities": "063047",
        },
        {
            "code": "SL-1",
            "kind": "desk",
            "name": "Sportello di Pozzuoli",
            "parent_code": "CPI-NA-1",
            "municipalities": "063060",
        },
    ]


def test_import_then_reimport(territory, tmp_path, capsys):
    path = offices_csv(tmp_path, good_rows())
    call_command("offices", "import", str(path))
    assert "4 creati" in capsys.readouterr().out
    napoli = Office.objects.get(code="CPI-NA-1")
    assert napoli.parent.code == "REG"
    assert napoli.municipality == territory["napoli"]
    assert napoli.opening_hours.startswith("Lunedì")
    assert competent_office(territory["pozzuoli"]) == napoli  # the desk does not count
    assert Competence.objects.filter(municipality=territory["pozzuoli"]).count() == 2
    assert Office.objects.get(code="SL-1").parent == napoli

    call_command("offices", "import", str(path))
    assert "0 creati, 0 aggiornati, 4 invariati" in capsys.readouterr().out
    assert "0 aggiunte, 0 rimosse" in capsys.readouterr().out or True

    # Pozzuoli moves from CPI-NA-1 to CPI-NA-2: competences are replaced, not added.
    rows = good_rows()
    rows[1]["municipalities"] = "063049"
    rows[2]["municipalities"] = "063047;063060"
    rows[2]["phone"] = "081 999999"
    call_command("offices", "import", str(offices_csv(tmp_path, rows)))
    out = capsys.readouterr().out
    assert "1 aggiornati" in out and "1 aggiunte, 1 rimosse" in out
    assert competent_office(territory["pozzuoli"]).code == "CPI-NA-2"
    assert Office.objects.count() == 4


def test_dry_run(territory, tmp_path):
    call_command(
        "offices", "import", str(offices_csv(tmp_path, good_rows())), "--dry-run", verbosity=0
    )
    assert not Office.objects.exists()


def test_every_bad_row_reported_nothing_written(territory, tmp_path):
    rows = good_rows()
    rows += [
        {"code": "CPI-NA-1", "kind": "cpi", "name": "Doppione", "municipalities": ""},
        {"code": "X1", "kind": "ufficio", "name": "Tipo errato", "municipalities": ""},
        {"code": "X2", "kind": "cpi", "name": "Comune ignoto", "municipalities": "999999;063049"},
        {
            "code": "X3",
            "kind": "desk",
            "name": "Mail",
            "email": "non-una-mail",
            "postal_code": "8010",
            "municipalities": "",
        },
        {
            "code": "X4",
            "kind": "cpi",
            "name": "Padre",
            "parent_code": "NESSUNO",
            "municipality_istat": "000000",
            "municipalities": "",
        },
        {"code": "X5", "kind": "cpi", "name": "", "municipalities": ""},
    ]
    path = offices_csv(tmp_path, rows)
    with pytest.raises(CommandError) as excinfo:
        call_command("offices", "import", str(path))
    message = str(excinfo.value)
    expected = [
        f"{path}:7: code: codice «CPI-NA-1» già presente alla riga 3",
        f"{path}:8: kind: tipo non valido «ufficio»",
        f"{path}:9: municipalities: comune «999999» sconosciuto",
        f"{path}:9: municipalities: comune Napoli (063049) già assegnato al CPI CPI-NA-1 alla riga 3",
        f"{path}:10: email: indirizzo e-mail non valido «non-una-mail»",
        f"{path}:10: postal_code: CAP non valido «8010»",
        f"{path}:11: parent_code: ufficio di riferimento «NESSUNO» sconosciuto",
        f"{path}:11: municipality_istat: comune «000000» sconosciuto",
        f"{path}:12: name: denominazione mancante",
    ]
    for line in expected:
        assert line in message
    assert not Office.objects.exists()


def test_municipality_held_by_another_cpi_in_the_database(territory, tmp_path):
    call_command("offices", "import", str(offices_csv(tmp_path, good_rows())), verbosity=0)
    other = [{"code": "CPI-NEW", "kind": "cpi", "name": "Nuovo", "municipalities": "063047"}]
    with pytest.raises(CommandError, match="già assegnato al CPI CPI-NA-2"):
        call_command("offices", "import", str(offices_csv(tmp_path, other)))
    assert not Office.objects.filter(code="CPI-NEW").exists()


def test_missing_columns_and_missing_file(territory, tmp_path):
    path = offices_csv(tmp_path, good_rows(), header=["code", "kind", "name"])
    with pytest.raises(
        CommandError, match=r"uffici.csv:1: intestazione: colonne mancanti: municipalities"
    ):
        call_command("offices", "import", str(path))
    with pytest.raises(CommandError, match="file non trovato"):
        call_command("offices", "import", str(tmp_path / "manca.csv"))


def test_kind_change_follows_into_competences(territory, tmp_path):
    call_command("offices", "import", str(offices_csv(tmp_path, good_rows())), verbosity=0)
    rows = good_rows()
    rows[3]["kind"] = "cpi"
    rows[1]["municipalities"] = "063049"  # free Pozzuoli for the former desk
    call_command("offices", "import", str(offices_csv(tmp_path, rows)), verbosity=0)
    assert competent_office(territory["pozzuoli"]).code == "SL-1"
    assert Competence.objects.get(office__code="SL-1").office_kind == OfficeKind.CPI
