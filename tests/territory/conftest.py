"""Territory fixtures: a tiny hand-made territory, and the full shipped reference data once per
module."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from sil.territory.models import Competence, Country, Municipality, Office, Province, Region


def purge_reference_data() -> None:
    """Empty the reference tables (nothing else refers to them outside a test's transaction)."""
    from sil.classifications import models as c

    models = [Competence, Office, Municipality, Country, Province, Region, c.EscoProfessionMapping,
              c.EscoOccupation, c.IscoGroup, c.Profession, c.EconomicActivity, c.EducationLevel]  # fmt: skip
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")


@pytest.fixture(scope="module")
def loaded_reference_data(django_db_setup, django_db_blocker):
    """The reference data that ship with OpenSIL (`sil refdata load`, no folder), loaded once
    for the module and removed afterwards."""
    with django_db_blocker.unblock():
        call_command("refdata", "load", verbosity=0)
    yield
    with django_db_blocker.unblock():
        purge_reference_data()


@pytest.fixture
def territory(db):
    """Campania with three comuni of Napoli and one of Salerno, with coordinates."""
    region = Region.objects.create(istat_code="15", name="Campania")
    other_region = Region.objects.create(istat_code="12", name="Lazio")
    na = Province.objects.create(istat_code="063", code="NA", name="Napoli", region=region)
    sa = Province.objects.create(istat_code="065", code="SA", name="Salerno", region=region)
    rm = Province.objects.create(istat_code="058", code="RM", name="Roma", region=other_region)

    def comune(istat, cadastral, name, province, lat=None, lon=None, **extra):
        return Municipality.objects.create(
            istat_code=istat,
            cadastral_code=cadastral,
            name=name,
            province=province,
            province_code=province.code,
            latitude=lat,
            longitude=lon,
            valid_from=dt.date(1861, 3, 17),
            **extra,
        )

    return {
        "region": region,
        "na": na,
        "sa": sa,
        "napoli": comune("063049", "F839", "Napoli", na, 40.8522, 14.2681),
        "pozzuoli": comune("063060", "G964", "Pozzuoli", na, 40.8231, 14.1222),
        "nola": comune("063047", "F924", "Nola", na),
        "salerno": comune("065116", "H703", "Salerno", sa, 40.6824, 14.7681),
        "roma": comune("058091", "H501", "Roma", rm, 41.8931, 12.4828),
        "sarno": comune("065137", "I438", "Sarno", sa),
    }
