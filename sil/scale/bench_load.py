"""The load benchmark: `sil bench load --people N` calls `run(N)`.

1. The generator writes N synthetic people to a CSV file in the import format (not timed).
2. The people tables are emptied (TRUNCATE … CASCADE: only ever on a bench database; the
   caller checks that) and a sample of min(N, BASELINE_SAMPLE) records is written with the
   ORM's `bulk_create` (1,000 per batch, history triggers off as in the COPY path): the
   baseline, scaled up linearly to N rows.
3. The tables are emptied again and the file goes through `sil people import` (read, full
   validation, COPY, one upsert statement): the measured load.

Returns rows, seconds, rows_per_s, baseline_seconds (scaled; `ratio` is against it: the write
alone, the validation is not counted), validated_baseline_seconds and validated_ratio (the ORM
doing the whole job: the same reading and validation of the sample, then bulk_create),
baseline_sample_rows, db_size_bytes, peak_rss_bytes (this process) and, when PostgreSQL runs on this machine,
postgres_peak_rss_bytes (peak resident memory of the backend that did the load).
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from sil.core import fiscal_code as cf
from sil.people import bulk
from sil.people.importer import COLUMNS as FILE_COLUMNS
from sil.people.importer import ImportReport, decode_bytes, import_people, read_rows
from sil.people.models import Person
from sil.scale.generator import (
    CAMPANIA_PROVINCES,
    CHUNK,
    Reference,
    Synthetic,
    cells_of,
    draw_chunk,
)

BASELINE_SAMPLE = 50_000
BASELINE_BATCH = 1_000


def write_csv(path: Path, people: int, seed: int) -> None:
    """N generated people in the import format (codes unique within the file)."""
    ref = Reference.load(CAMPANIA_PROVINCES)
    # Collisions are settled within the file: the table is emptied before the load.
    used: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FILE_COLUMNS)
        for chunk in range((people + CHUNK - 1) // CHUNK):
            drawn = draw_chunk(ref, seed, chunk, min(CHUNK, people - chunk * CHUNK))
            _assign_offline(drawn, used)
            for person in drawn:
                cells = cells_of(person)
                writer.writerow([cells[column] for column in FILE_COLUMNS])


def _assign_offline(people: list[Synthetic], used: set[str]) -> None:
    for person in people:
        base = cf.encode(
            last_name=person.last_name,
            first_name=person.first_name,
            sex=person.sex,
            birth_date=person.birth_date,
            cadastral_code=person.birthplace.cadastral_code,
        )
        code, level = base, 0
        while code in used:
            level += 1
            code = cf.omocodic_variant(base, level)
        used.add(code)
        person.code = code


def empty_people_tables() -> None:
    """TRUNCATE the people table and everything that refers to it (bench database only)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Person._meta.db_table} CASCADE")


def _backend_peak_rss(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def baseline(records: list[bulk.Record]) -> float:
    """Seconds for the ORM to bulk_create these records (history triggers off, one transaction)."""
    people = [Person(**dict(zip(bulk.COLUMNS, record, strict=True))) for record in records]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        bulk.ignore_history(cursor, Person)
        Person.objects.bulk_create(people, batch_size=BASELINE_BATCH)
    return time.perf_counter() - started


def run(people: int, seed: int = 1) -> dict[str, Any]:
    """Measure the COPY load of `people` generated rows against the ORM baseline."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "people.csv"
        write_csv(path, people, seed)
        empty_people_tables()
        sample = min(people, BASELINE_SAMPLE)
        # The sample's records come from the same validation the import runs.
        report = ImportReport()
        started = time.perf_counter()
        with path.open("rb") as handle:
            head = b"".join(handle.readline() for _line in range(sample + 1))
        rows = read_rows(decode_bytes(head)[0], report)
        plan = bulk.validate_people(rows, report)
        validation_sample_seconds = time.perf_counter() - started
        del rows
        baseline_sample_seconds = baseline(plan.records)
        del plan
        empty_people_tables()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        started = time.perf_counter()
        result = import_people(path)
        seconds = time.perf_counter() - started
    if result.errors:
        raise RuntimeError(f"bench load: {result.errors[:3]}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        db_size = cursor.fetchone()[0]
    scale = people / sample if sample else 0.0
    baseline_seconds = baseline_sample_seconds * scale
    # The ORM doing the whole job: the same reading and validation, then bulk_create.
    validated_baseline_seconds = (validation_sample_seconds + baseline_sample_seconds) * scale
    return {
        "rows": result.created + result.updated,
        "seconds": round(seconds, 2),
        "rows_per_s": round((result.created + result.updated) / seconds, 1) if seconds else None,
        "baseline_seconds": round(baseline_seconds, 2),
        "baseline_sample_rows": sample,
        "baseline_method": "ORM bulk_create, batches of 1000, sample scaled up linearly",
        "ratio": round(baseline_seconds / seconds, 2) if seconds else None,
        "validation_sample_seconds": round(validation_sample_seconds, 2),
        "validated_baseline_seconds": round(validated_baseline_seconds, 2),
        "validated_ratio": round(validated_baseline_seconds / seconds, 2) if seconds else None,
        "row_history": people <= bulk.ROW_HISTORY_MAX_ROWS,
        "db_size_bytes": db_size,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "postgres_peak_rss_bytes": _backend_peak_rss(backend),
    }
