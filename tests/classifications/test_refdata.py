"""Classification files: small good and bad directories (the full load is in tests/territory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sil.classifications.models import (
    ContractType,
    EconomicActivity,
    EducationLevel,
    EscoOccupation,
    EscoProfessionMapping,
    IscoGroup,
    LanguageLevel,
    Profession,
)

pytestmark = pytest.mark.django_db

URI = "http://data.europa.eu/esco/occupation/f2cc5978-e45c-4f28-b859-7f89221b0505"
URI2 = "http://data.europa.eu/esco/occupation/c6a26e11-bdf1-47a1-849d-fdcf819d458d"
MAPPING_HEADER = (
    "Mapping project name,AI4ESCO\n"
    "Classification 1 Name,Italian ESCO\n"
    ",,,,,,,\n"
    "Classification 1 URI,Classification 1 PrefLabel,Classification 1 URL,Classification 2 ID,"
    "Classification 2 PrefLabel,Classification 2 URL,Mapping relation,Editorial note\n"
)


def files() -> dict[str, str]:
    return {
        "professioni/cp2011_voci.csv": "codice_cp2011,livello,denominazione\n"
        "1,1,Legislatori\n1.1.1.1.0,5,Membri di governo\n2.1.1.1.1,5,Matematici\n",
        "professioni/cp2021_voci.csv": "codice_cp2021,livello,denominazione\n1,1,Legislatori\n",
        "professioni/isco08_gruppi_it.csv": "isco08_code,livello,label_it,label_en,esco_uri\n"
        "0,1,Forze armate,Armed forces,\n01,2,Ufficiali,Officers,\n011,3,Ufficiali,Officers,\n"
        "0110,4,Ufficiali,Officers,\n",
        "professioni/esco_occupazioni_it.csv": "esco_uri,isco08_code,preferred_label_it,alt_labels_it,preferred_label_en\n"
        f"{URI},0110,ufficiale,capitano | tenente,officer\n",
        "professioni/esco_cp2011_mapping_IT_2021-04-23.csv": MAPPING_HEADER
        + f"{URI},ufficiale,{URI},1.1.1.1.0,Membri,x,skos:broadMatch,\n"
        + f"{URI2},altro,{URI2},2.1.1.1.1,Matematici,x,skos:exactMatch,\n"
        + "http://data.europa.eu/esco/isco/C0110,gruppo,x,1.1.1.1.0,Membri,x,skos:broadMatch,\n",
        "istruzione/titoli_studio.csv": "codice_1_livello,label_ITA_1_livello,label_ENG_1_livello,definizione\n"
        "NED,Nessun titolo,No degree,\nL,Laurea,Degree,Triennale\n",
        "contratti/tipologie_contrattuali.csv": "codice,denominazione\nA.01.00,Lavoro a tempo indeterminato\n",
        "ateco/ateco_2022.csv": "codice,livello,descrizione,codice_padre\nA,section,AGRICOLTURA,\n",
    }


def write(directory: Path, content: dict[str, str]) -> Path:
    for name, text in content.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_small_directory(tmp_path):
    call_command("refdata", "load", str(write(tmp_path, files())), verbosity=0)
    assert Profession.objects.get(system="cp2011", code="1.1.1.1.0").parent.code == "1"
    assert Profession.objects.get(system="cp2011", code="2.1.1.1.1").parent is None
    assert Profession.objects.filter(system="cp2021").count() == 1
    assert IscoGroup.objects.get(code="0110").parent.parent.parent.code == "0"
    occupation = EscoOccupation.objects.get(uri=URI)
    assert occupation.alt_names == ["capitano", "tenente"] and occupation.isco_group.code == "0110"
    # An occupation only the crosswalk knows is kept with its label; ISCO rows are skipped.
    assert EscoOccupation.objects.get(uri=URI2).name == "altro"
    assert EscoProfessionMapping.objects.count() == 2
    assert EscoProfessionMapping.objects.get(occupation=occupation).relation == "broadMatch"
    assert list(EducationLevel.objects.values_list("code", "position")) == [("NED", 1), ("L", 2)]
    assert ContractType.objects.get(code="A.01.00").name == "Lavoro a tempo indeterminato"
    assert EconomicActivity.objects.filter(edition="2022").count() == 1
    call_command("refdata", "load", str(tmp_path), verbosity=0)
    assert EscoProfessionMapping.objects.count() == 2 and EscoOccupation.objects.count() == 2


def test_bad_rows(tmp_path):
    content = files()
    content["professioni/cp2011_voci.csv"] += "3.1,3,Livello sbagliato\nX.1,2,Codice sbagliato\n"
    content["professioni/isco08_gruppi_it.csv"] += "9999,4,Senza padre,,\n"
    content["professioni/esco_occupazioni_it.csv"] += (
        f"{URI2},7777,orfano,,orphan\nnon-uri,0110,x,,x\n"
    )
    content["professioni/esco_cp2011_mapping_IT_2021-04-23.csv"] += (
        f"{URI},ufficiale,{URI},9.9.9.9.9,X,x,skos:broadMatch,\n"
        f"{URI},ufficiale,{URI},1,X,x,skos:sameAs,\n"
    )
    content["contratti/tipologie_contrattuali.csv"] += "A.01.00,Doppio\n,Senza codice\n"
    content["ateco/ateco_2022.csv"] += "01,livello,Livello ignoto,A\n"
    directory = write(tmp_path, content)
    # The CO contract types seeded by migration stay as they are.
    seeded_contracts = sorted(ContractType.objects.values_list("code", "name"))
    with pytest.raises(CommandError) as excinfo:
        call_command("refdata", "load", str(directory), verbosity=0)
    message = str(excinfo.value)
    cp = directory / "professioni/cp2011_voci.csv"
    isco = directory / "professioni/isco08_gruppi_it.csv"
    esco = directory / "professioni/esco_occupazioni_it.csv"
    mapping = directory / "professioni/esco_cp2011_mapping_IT_2021-04-23.csv"
    contracts = directory / "contratti/tipologie_contrattuali.csv"
    ateco = directory / "ateco/ateco_2022.csv"
    for expected in [
        f"{cp}:5: livello: livello «3» incoerente con il codice (atteso 2)",
        f"{cp}:6: codice_cp2011: codice non valido «X.1»",
        f"{isco}:6: isco08_code: gruppo superiore «999» sconosciuto",
        f"{esco}:3: isco08_code: gruppo ISCO «7777» sconosciuto",
        f"{esco}:4: esco_uri: codice non valido «non-uri»",
        f"{mapping}:8: Classification 2 ID: codice CP2011 «9.9.9.9.9» sconosciuto",
        f"{mapping}:9: Mapping relation: relazione non valida «skos:sameAs»",
        f"{contracts}:3: codice: codice «A.01.00» già presente alla riga 2",
        f"{contracts}:4: codice: codice non valido «»",
        f"{ateco}:3: livello: livello non valido «livello»",
    ]:
        assert expected in message
    assert not Profession.objects.exists() and not EscoOccupation.objects.exists()
    assert sorted(ContractType.objects.values_list("code", "name")) == seeded_contracts


def test_cefr_levels_are_seeded():
    assert list(LanguageLevel.objects.values_list("code", flat=True)) == [
        "A1", "A2", "B1", "B2", "C1", "C2",
    ]  # fmt: skip


def test_compressed_files_load_like_plain_ones(tmp_path):
    import gzip

    for name, text in files().items():
        path = tmp_path / f"{name}.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(text.encode()))
    call_command("refdata", "load", str(tmp_path), verbosity=0)
    assert Profession.objects.filter(system="cp2011").count() == 3
    assert EscoProfessionMapping.objects.count() == 2  # the mapping is found as .csv.gz too


def test_a_damaged_compressed_file_is_reported(tmp_path):
    write(tmp_path, {"istruzione/titoli_studio.csv": "x"})
    (tmp_path / "istruzione/titoli_studio.csv").rename(tmp_path / "istruzione/titoli_studio.csv.gz")
    with pytest.raises(CommandError, match="file compresso non leggibile"):
        call_command("refdata", "load", str(tmp_path), verbosity=0)
    assert not EducationLevel.objects.exists()
