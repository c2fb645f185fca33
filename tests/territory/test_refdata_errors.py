"""Bad reference files: every bad row reported as file:row: field, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sil.classifications.models import EconomicActivity
from sil.territory.models import Municipality, Province, Region

pytestmark = pytest.mark.django_db

REGIONS = "Codice_1_livello,Label_ITA_1_livello,Definizione\n15,Campania,\n"
PROVINCES = (
    "codice_1_livello,label_1_livello_it,codice_2_livello,label_2_livello_it,acronimo_2_livello_it\n"
    "15,Campania,063,Napoli,NA\n"
    "15,Campania,065,Salerno,SA\n"
)
ISTAT_HEADER = (
    "codice_regione,codice_uts,codice_provincia_storico,progressivo_comune,codice_istat,"
    "denominazione,denominazione_it,denominazione_altra_lingua,codice_ripartizione,ripartizione,"
    "regione,denominazione_uts,tipologia_uts,flag_capoluogo,sigla_provincia,codice_istat_numerico,"
    "codice_istat_110_prov_2010_2016,codice_istat_107_prov_2006_2009,"
    "codice_istat_103_prov_1995_2005,codice_catastale,nuts1_2021,nuts2_2021,nuts3_2021,"
    "nuts1_2024,nuts2_2024,nuts3_2024\n"
)


def istat_row(code: str, name: str, sigla: str, cadastral: str) -> str:
    return (
        f"15,263,063,049,{code},{name},{name},,4,Sud,Campania,Napoli,1,1,{sigla},"
        f"63049,63049,63049,63049,{cadastral},ITF,ITF3,ITF33,ITF,ITF3,ITF33\n"
    )


BELFIORE = (
    "codice_catastale,denominazione,denominazione_alt,sigla_provincia,attivo,data_istituzione,data_soppressione\n"
    "F839,Napoli,,NA,1,1861-03-17,\n"
    "H703,Salerno,,SA,1,1861-03-17,\n"
    "9999,Vecchio comune,,NA,0,1861-03-17,1900-01-01\n"
    "ND,Senza codice,,NA,0,1861-03-17,1900-01-01\n"
)


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return directory


def good_files() -> dict[str, str]:
    return {
        "comuni/regioni.csv": REGIONS,
        "comuni/province.csv": PROVINCES,
        "comuni/comuni_istat.csv": ISTAT_HEADER
        + istat_row("063049", "Napoli", "NA", "F839")
        + istat_row("065116", "Salerno", "SA", "H703"),
        "comuni/belfiore_comuni_storici.csv": BELFIORE.replace("9999", "A999"),
        "ateco/ateco_2025.csv": "codice,livello,descrizione,codice_padre\nA,section,AGRICOLTURA,\n01,division,Produzioni,A\n",
    }


def load_error(directory: Path) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("refdata", "load", str(directory), verbosity=0)
    return str(excinfo.value)


def test_small_directory_loads_and_reloads(tmp_path, capsys):
    directory = write(tmp_path, good_files())
    call_command("refdata", "load", str(directory))
    assert Municipality.objects.current().count() == 2
    napoli = Municipality.objects.get(istat_code="063049")
    assert napoli.province.code == "NA"
    assert Municipality.objects.get(cadastral_code="A999").valid_to is not None
    assert not Municipality.objects.filter(name="Senza codice").exists()  # "ND": not decodable
    assert EconomicActivity.objects.get(code="01").parent.code == "A"
    first = capsys.readouterr().out
    assert "Comuni" in first
    call_command("refdata", "load", str(directory))
    summary = capsys.readouterr().out.splitlines()
    comuni = next(line for line in summary if line.startswith("Comuni"))
    assert comuni.split()[1:] == ["0", "0", "3", "3"]


def test_every_bad_row_is_reported_and_nothing_written(tmp_path):
    files = good_files()
    files["comuni/province.csv"] = PROVINCES + "15,Campania,06X,Caserta,ce\n"
    files["comuni/comuni_istat.csv"] = (
        ISTAT_HEADER
        + istat_row("063049", "Napoli", "NA", "F839")
        + istat_row("63050", "Corto", "NA", "F840")
        + istat_row("063051", "Ignota", "ZZ", "F841")
        + "15,263,troppo,poche\n"
    )
    files["comuni/belfiore_comuni_storici.csv"] = (
        BELFIORE + "F842,Data sbagliata,,NA,0,1861-13-01,1900-01-01\n"
    )
    files["ateco/ateco_2025.csv"] = (
        "codice,livello,descrizione,codice_padre\nA,section,AGRICOLTURA,\n99,division,Orfano,Q\n"
    )
    message = load_error(write(tmp_path, files))
    province = str(tmp_path / "comuni/province.csv")
    istat = str(tmp_path / "comuni/comuni_istat.csv")
    belfiore = str(tmp_path / "comuni/belfiore_comuni_storici.csv")
    ateco = str(tmp_path / "ateco/ateco_2025.csv")
    assert f"{province}:4: codice_2_livello: codice non valido «06X»" in message
    assert f"{province}:4: acronimo_2_livello_it:" in message
    assert f"{istat}:3: codice_istat: codice non valido «63050»" in message
    assert f"{istat}:4: sigla_provincia: provincia «ZZ» sconosciuta" in message
    assert f"{istat}:5: riga malformata" in message
    assert f"{belfiore}:4: codice_catastale: codice non valido «9999»" in message
    assert f"{belfiore}:6: data_istituzione: data non valida «1861-13-01»" in message
    assert f"{ateco}:3: codice_padre: codice padre «Q» sconosciuto" in message
    assert "nulla è stato scritto" in message
    assert not Region.objects.exists()
    assert not Province.objects.exists()
    assert not Municipality.objects.exists()
    assert not EconomicActivity.objects.exists()


def test_wrong_header(tmp_path):
    files = {"comuni/regioni.csv": "codice,nome\n15,Campania\n"}
    message = load_error(write(tmp_path, files))
    assert f"{tmp_path / 'comuni/regioni.csv'}:1: intestazione: colonne mancanti" in message


def test_malformed_csv(tmp_path):
    files = {"comuni/regioni.csv": 'Codice_1_livello,Label_ITA_1_livello\n15,"Campa"nia\n'}
    message = load_error(write(tmp_path, files))
    assert "CSV non valido" in message
    assert not Region.objects.exists()


def test_missing_directory_and_empty_directory(tmp_path):
    assert "cartella non trovata" in load_error(tmp_path / "assente")
    assert "nessun file di riferimento riconosciuto" in load_error(tmp_path)


def test_dry_run_writes_nothing(tmp_path, capsys):
    call_command("refdata", "load", str(write(tmp_path, good_files())), "--dry-run")
    assert "Validazione riuscita" in capsys.readouterr().out
    assert not Municipality.objects.exists()


def test_provinces_checked_against_the_database_when_file_absent(tmp_path):
    files = {"comuni/comuni_istat.csv": ISTAT_HEADER + istat_row("063049", "Napoli", "NA", "F839")}
    message = load_error(write(tmp_path, files))
    assert "provincia «NA» sconosciuta" in message


def test_packages_load(django_assert_max_num_queries):
    call_command("refdata", "load", "--packages", verbosity=0)
    assert Province.objects.count() == 107
    assert Municipality.objects.exclude(istat_code="").count() == 7896
    assert Municipality.objects.count() > 19000
    assert EconomicActivity.objects.filter(edition="2025").count() == 3257
    # Idempotent, and fast because nothing is rewritten: a bounded number of queries.
    with django_assert_max_num_queries(60):
        call_command("refdata", "load", "--packages", verbosity=0)
