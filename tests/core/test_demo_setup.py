"""`sil demo_setup` and `sil refdata load` read the registry: each app brings its own parts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sil.core.commands import ErrorLog, Step, SyncResult
from sil.core.registry import Extension, ReferenceSource, Store, registry
from sil.territory.models import Region


def test_demo_setup_runs_every_registered_step_in_order(monkeypatch):
    ran: list[tuple[str, int]] = []

    def step(name: str):
        def run(*, verbosity, stdout, stderr):
            stdout.write(f"passo {name}")
            ran.append((name, verbosity))

        return run

    steps: Store[Extension] = Store("demo_steps", lambda e: e.name)
    steps.register(Extension("second", step("second"), order=20))
    steps.register(Extension("first", step("first"), order=10))
    monkeypatch.setattr(registry, "demo_steps", steps)
    out = io.StringIO()
    call_command("demo_setup", verbosity=2, stdout=out)
    assert ran == [("first", 2), ("second", 2)]
    assert out.getvalue().splitlines() == ["passo first", "passo second"]


def test_every_app_registers_its_demo_steps_after_what_they_need():
    assert [step.name for step in registry.demo_steps] == [
        "refdata",  # core: the reference data first
        "demo_offices",  # territory: the CPIs, over the municipalities
        "demo_people",  # people: resident in those municipalities, assigned to the CPIs
        "demo_dossier",  # services: DIDs, dossiers and policies of the demo people
        "matching_profiles",  # matching: built in bulk once the dossiers exist
        "demo_operators",  # accounts: operators of the demo offices
        "demo_employers",
        "demo_vacancies",
        "demo_citizens",
        "demo_shortlists",
        "demo_campaigns",
    ]
    assert [source.name for source in registry.reference_data] == [
        "territory",
        "classifications",
    ]


WIDGETS = "widgets/widgets.csv"


def read_widgets(directory: Path, errors: ErrorLog) -> list[str] | None:
    path = directory / WIDGETS
    if not path.is_file():
        return None
    names = path.read_text().split()
    for line, name in enumerate(names, start=1):
        if not name.isalpha():
            errors.add(str(path), line, "nome", "non valido")
    return names


def plan_widgets(names: list[str] | None) -> list[Step]:
    if names is None:
        return []
    return [("Widget", lambda: SyncResult("Widget", created=len(names)))]


@pytest.fixture
def widgets_source(tmp_path):
    """A throwaway app's reference table, registered as its ready() would."""
    source = ReferenceSource("widgets", tmp_path / "shipped", read_widgets, plan_widgets, order=30)
    registry.reference_data.register(source)
    yield source
    registry.reference_data.unregister("widgets")


def write_folder(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


REGIONS = "Codice_1_livello,Label_ITA_1_livello,Definizione\n15,Campania,\n"


@pytest.mark.django_db
def test_refdata_loads_the_tables_of_every_registered_source(widgets_source, tmp_path):
    folder = write_folder(
        tmp_path / "dati", {WIDGETS: "uno due tre\n", "comuni/regioni.csv": REGIONS}
    )
    out = io.StringIO()
    call_command("refdata", "load", str(folder), stdout=out)
    rows = {line.split()[0]: line.split()[1:] for line in out.getvalue().splitlines()[2:]}
    assert rows["Widget"] == ["3", "0", "0", "3"]
    assert rows["Regioni"] == ["1", "0", "0", "1"]
    assert Region.objects.filter(istat_code="15").exists()


@pytest.mark.django_db
def test_a_bad_row_in_one_source_writes_nothing_of_any(widgets_source, tmp_path):
    folder = write_folder(tmp_path / "dati", {WIDGETS: "uno 2\n", "comuni/regioni.csv": REGIONS})
    with pytest.raises(CommandError) as excinfo:
        call_command("refdata", "load", str(folder), verbosity=0)
    assert f"{folder / WIDGETS}:2: nome: non valido" in str(excinfo.value)
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_without_a_folder_each_source_reads_its_shipped_folder(widgets_source):
    write_folder(widgets_source.shipped, {WIDGETS: "uno 2\n"})
    with pytest.raises(CommandError) as excinfo:
        call_command("refdata", "load", "--dry-run", verbosity=0)
    assert f"{widgets_source.shipped / WIDGETS}:2: nome: non valido" in str(excinfo.value)
