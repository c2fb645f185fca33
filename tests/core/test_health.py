import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_is_postgresql_with_extensions():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent", "vector"} <= extensions


@pytest.mark.django_db
def test_healthz_reports_database_and_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["status"] == "ok"
    assert body["worker"]["status"] == "down"  # no worker runs during tests
    assert response["Cache-Control"].startswith("max-age=0")
