"""Reads of territorial data for other apps: birthplaces, competent CPI, distances."""

from __future__ import annotations

import datetime as dt
import math

from sil.territory.models import Competence, Country, Municipality, Office, OfficeKind

EARTH_RADIUS_KM = 6371.0088
# Without coordinates we can only say how far apart two places are likely to be. These are
# coarse, deliberately generous figures (typical distances between comuni of one Italian
# province / region); callers treat them as estimates, never as measured distances.
SAME_PROVINCE_KM = 25.0
SAME_REGION_KM = 80.0


def municipality_for_cadastral_code(
    code: str, on_date: dt.date | None = None
) -> Municipality | Country | None:
    """The comune (or, for Z codes, the foreign state) a cadastral code meant on a date.

    Used to decode the birthplace of a codice fiscale: the code is read on the birth date.
    Without a date, the period in force today (or the latest one) is returned.
    """
    code = code.strip().upper()
    if code.startswith("Z"):
        countries = Country.objects.filter(cadastral_code=code)
        if on_date is not None:
            countries = countries.valid_on(on_date)
        return countries.order_by("-valid_from").first()
    if on_date is None:
        return _latest(code)
    municipalities = Municipality.objects.filter(cadastral_code=code).select_related("province")
    return municipalities.valid_on(on_date).order_by("-valid_from").first()


def _latest(code: str) -> Municipality | None:
    municipalities = Municipality.objects.filter(cadastral_code=code).select_related("province")
    return municipalities.current().first() or municipalities.order_by("-valid_from").first()


def competent_office(municipality: Municipality | int | None) -> Office | None:
    """The CPI that serves a municipality, or None when none is assigned."""
    if municipality is None:
        return None
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    competence = (
        Competence.objects.filter(
            municipality_id=municipality_id, office_kind=OfficeKind.CPI, office__is_active=True
        )
        .select_related("office")
        .first()
    )
    return competence.office if competence else None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def distance_km(m1: Municipality, m2: Municipality) -> float | None:
    """Great-circle distance between two comuni (town-hall coordinates), in km.

    Fallback when a coordinate is missing: 0 for the same comune, SAME_PROVINCE_KM for two
    comuni of one province, SAME_REGION_KM for one region, otherwise None (unknown).
    """
    if m1.pk == m2.pk:
        return 0.0
    if None not in (m1.latitude, m1.longitude, m2.latitude, m2.longitude):
        return haversine_km(m1.latitude, m1.longitude, m2.latitude, m2.longitude)  # type: ignore[arg-type]
    if m1.province_id and m1.province_id == m2.province_id:
        return SAME_PROVINCE_KM
    if m1.province_id and m2.province_id:
        region1, region2 = (m.province.region_id if m.province else None for m in (m1, m2))
        if region1 is not None and region1 == region2:
            return SAME_REGION_KM
    return None


def served_municipalities(office: Office) -> list[Municipality]:
    return list(office.municipalities.select_related("province").order_by("name", "id"))
