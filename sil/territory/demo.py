"""The demo region: Campania's real provinces and comuni, with 46 synthetic CPIs.

The offices are produced as rows of the offices CSV and go through the same validation and
action as `sil offices import`, so the demo exercises the real code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sil.core.commands import ErrorLog, InputErrors, Row
from sil.territory.actions import OfficeImportResult, do_import_offices
from sil.territory.models import Municipality, Province
from sil.territory.offices import COLUMNS, validate_offices

CPI_COUNT = 46  # Campania's CPIs (ANPAL 2017)
MIN_CPI_PER_PROVINCE = 4
REGION_OFFICE_CODE = "REG-CAMPANIA"
REGION_OFFICE_NAME = "Regione Campania – Direzione Lavoro"
REGION_SEAT_ISTAT = "063049"  # Napoli
# Province → (CAP prefix, telephone prefix) for plausible contacts.
PROVINCES = {
    "AV": ("83", "0825"),
    "BN": ("82", "0824"),
    "CE": ("81", "0823"),
    "NA": ("80", "081"),
    "SA": ("84", "089"),
}
DESKS_PER_PROVINCE = 1
MAIL_DOMAIN = "regione.campania.example"  # reserved TLD: never delivered
OPENING_HOURS = "Lunedì–venerdì 9:00–12:30\nMartedì e giovedì anche 15:00–17:00"
STREETS = ["Via Roma", "Corso Garibaldi", "Via Nazionale", "Piazza Municipio", "Via Appia"]


@dataclass(frozen=True)
class Place:
    id: int
    istat_code: str
    name: str
    latitude: float | None
    longitude: float | None


def allocate(
    counts: dict[str, int], total: int = CPI_COUNT, minimum: int = MIN_CPI_PER_PROVINCE
) -> dict[str, int]:
    """CPIs per province, proportional to the number of comuni (largest remainder), >= minimum."""
    size = sum(counts.values())
    quotas = {p: total * n / size for p, n in counts.items()}
    result = {p: max(minimum, int(q)) for p, q in quotas.items()}
    by_remainder = sorted(counts, key=lambda p: (-(quotas[p] - int(quotas[p])), p))
    while sum(result.values()) < total:
        for province in by_remainder:
            if sum(result.values()) == total:
                break
            result[province] += 1
    while sum(result.values()) > total:
        largest = max((p for p in result if result[p] > minimum), key=lambda p: (result[p], p))
        result[largest] -= 1
    return result


def split(places: list[Place], groups: int) -> list[list[Place]]:
    """Contiguous groups of similar size: recursive bisection along the wider axis of the
    coordinates, or runs of ISTAT codes when some comune has no coordinates."""
    if groups <= 1:
        return [places]
    if all(p.latitude is not None and p.longitude is not None for p in places):
        lats = [p.latitude for p in places]
        lons = [p.longitude for p in places]
        wide_lat = max(lats) - min(lats) >= max(lons) - min(lons)  # type: ignore[type-var, operator]
        ordered = sorted(
            places, key=lambda p: ((p.latitude if wide_lat else p.longitude), p.istat_code)
        )
    else:
        ordered = sorted(places, key=lambda p: p.istat_code)
    left = groups // 2
    cut = round(len(ordered) * left / groups)
    return split(ordered[:cut], left) + split(ordered[cut:], groups - left)


def seat_of(group: list[Place], capitals: set[str] = frozenset()) -> Place:  # type: ignore[assignment]
    """The provincial capital when in the group, else the comune nearest the group's centre
    (with coordinates), else the middle one by ISTAT code."""
    capital = next((p for p in group if p.name in capitals), None)
    if capital is not None:
        return capital
    if all(p.latitude is not None for p in group):
        lat = sum(p.latitude for p in group) / len(group)  # type: ignore[misc]
        lon = sum(p.longitude for p in group) / len(group)  # type: ignore[misc]
        return min(
            group, key=lambda p: ((p.latitude - lat) ** 2 + (p.longitude - lon) ** 2, p.istat_code)
        )  # type: ignore[operator]
    ordered = sorted(group, key=lambda p: p.istat_code)
    return ordered[len(ordered) // 2]


def _contacts(province: str, number: int, place: Place) -> dict[str, str]:
    cap_prefix, phone_prefix = PROVINCES[province]
    slug = slugify(place.name).replace("-", "")
    return {
        "address": f"{STREETS[number % len(STREETS)]}, {10 + 7 * number}",
        "postal_code": f"{cap_prefix}{(10 * number) % 1000:03d}",
        "municipality_istat": place.istat_code,
        "phone": f"{phone_prefix} {5500000 + 137 * number:07d}",
        "email": f"cpi.{slug}@{MAIL_DOMAIN}",
        "pec": f"cpi.{slug}@pec.{MAIL_DOMAIN}",
        "opening_hours": OPENING_HOURS,
    }


def demo_office_rows() -> list[dict[str, str]]:
    """The demo offices as rows of the offices CSV (see sil/territory/offices.py)."""
    places: dict[str, list[Place]] = {p: [] for p in PROVINCES}
    current = (
        Municipality.objects.current()
        .filter(province__code__in=PROVINCES)
        .exclude(istat_code="")
        .order_by("istat_code")
        .values_list("id", "istat_code", "name", "latitude", "longitude", "province__code")
    )
    for pk, istat, name, lat, lon, province in current:
        places[province].append(Place(pk, istat, name, lat, lon))
    capitals = set(Province.objects.filter(code__in=PROVINCES).values_list("name", flat=True))
    empty = [p for p, items in places.items() if not items]
    if empty:
        raise InputErrors(
            [f"demo: {p}: nessun comune caricato (eseguire prima sil refdata load)" for p in empty]
        )
    region_seat = (
        REGION_SEAT_ISTAT if any(p.istat_code == REGION_SEAT_ISTAT for p in places["NA"]) else ""
    )
    rows = [
        {
            "code": REGION_OFFICE_CODE,
            "kind": "region",
            "name": REGION_OFFICE_NAME,
            "parent_code": "",
            "address": "Via Santa Lucia, 81",
            "postal_code": "80132",
            "municipality_istat": region_seat,
            "phone": "081 7961111",
            "email": f"direzione.lavoro@{MAIL_DOMAIN}",
            "pec": f"direzione.lavoro@pec.{MAIL_DOMAIN}",
            "opening_hours": "Lunedì–venerdì 9:00–13:00",
            "municipalities": "",
        }
    ]
    desks = []
    number = 0
    allocation = allocate({p: len(items) for p, items in places.items()})
    for province in PROVINCES:
        for index, group in enumerate(split(places[province], allocation[province]), start=1):
            number += 1
            seat = seat_of(group, capitals)
            code = f"CPI-{province}-{index:02d}"
            rows.append(
                {
                    "code": code,
                    "kind": "cpi",
                    "name": f"CPI di {seat.name}",
                    "parent_code": REGION_OFFICE_CODE,
                    **_contacts(province, number, seat),
                    "municipalities": ";".join(sorted(p.istat_code for p in group)),
                }
            )
            if index <= DESKS_PER_PROVINCE and len(group) > 1:
                desk = next(p for p in sorted(group, key=lambda p: p.istat_code) if p != seat)
                contacts = _contacts(province, 100 + number, desk)
                contacts["email"] = contacts["email"].replace("cpi.", "sportello.")
                contacts["pec"] = contacts["pec"].replace("cpi.", "sportello.")
                contacts["opening_hours"] = "Lunedì e mercoledì 9:00–12:00"
                desks.append(
                    {
                        "code": f"SL-{province}-{index:02d}",
                        "kind": "desk",
                        "name": f"Sportello Lavoro di {desk.name}",
                        "parent_code": code,
                        **contacts,
                        "municipalities": desk.istat_code,
                    }
                )
    return rows + desks


def do_setup_demo_offices() -> OfficeImportResult:
    rows = demo_office_rows()
    errors = ErrorLog()
    items = validate_offices(
        [Row(line, {c: row.get(c, "") for c in COLUMNS}) for line, row in enumerate(rows, start=2)],
        "demo",
        errors,
    )
    errors.raise_if_any()
    return do_import_offices(items)


def setup_demo_offices(*, verbosity: int, stdout: Any, stderr: Any) -> None:
    """The demo step (`sil demo_setup`): the demo offices, reporting what changed."""
    try:
        result = do_setup_demo_offices()
    except InputErrors as exc:
        raise CommandError("\n".join(exc.messages)) from exc
    if verbosity:
        stdout.write(
            _("Uffici dimostrativi: %(c)d creati, %(u)d aggiornati, %(s)d invariati.")
            % {
                "c": result.offices.created,
                "u": result.offices.updated,
                "s": result.offices.unchanged,
            }
        )
