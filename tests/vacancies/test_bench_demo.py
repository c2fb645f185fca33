"""The job-board benchmark and the generators at tiny size."""

import pytest
from django.core.management import call_command

from sil.vacancies import bench, synthetic
from sil.vacancies.models import Vacancy, VacancyState
from tests.vacancies.factories import ProfessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def professions(db):
    for code, title, _text in synthetic.TEMPLATES[:4]:
        ProfessionFactory(code=code, name=title)


def test_synthetic_is_deterministic_and_idempotent(world, professions):
    assert synthetic.generate(30, seed=3) == 30
    assert synthetic.generate(30, seed=3) == 0
    assert synthetic.generate(35, seed=3) == 5
    rows = Vacancy.objects.filter(reference__startswith="SYN-3-")
    assert rows.count() == 35
    assert set(rows.values_list("state", flat=True)) == {VacancyState.PUBLISHED}
    assert set(rows.values_list("employer_id", flat=True)) <= {
        world["firm_a"].pk,
        world["firm_b"].pk,
    }


def test_bench_runs_at_tiny_size(world, professions):
    result = bench.run(vacancies=40, seed=1, queries_count=12)
    assert result["vacancies"] == 40
    assert result["queries"] == 12
    for key in ("p50_ms", "p95_ms", "baseline_p95_ms", "ratio"):
        assert result[key] is not None and result[key] >= 0
    # The naive baseline must find what the indexed search finds (same meaning).
    for query in bench.queries(1, 12):
        if not query.text:  # text differs by design: stemming vs substrings
            fast = set(bench.search_board(query).values_list("pk", flat=True))
            assert fast == set(bench.naive_board(query).values_list("pk", flat=True)), query


def test_demo_command(world, professions):
    call_command("demo_vacancies")
    demo = Vacancy.objects.filter(reference__startswith="DEMO-")
    assert demo.count() == 120
    states = set(demo.values_list("state", flat=True))
    assert states == {"draft", "review", "published", "closed", "expired", "cancelled"}
    flagged = demo.get(reference="DEMO-1")
    assert flagged.state == "draft" and "bella presenza" in flagged.title
    call_command("demo_vacancies")
    assert demo.count() == 120
