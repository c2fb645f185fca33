"""Health of the parts a node needs: the database and the background worker.

Worker liveness is read from procrastinate's own heartbeat table (procrastinate_workers:
id, last_heartbeat), which every running worker refreshes (every 10 s by default).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection


def database_status() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:  # the class name tells the operator enough, no details leak
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok"}


def worker_status() -> dict[str, object]:
    """ "ok" when at least one worker heartbeat is fresher than WORKER_HEARTBEAT_STALE_SECONDS."""
    stale = settings.WORKER_HEARTBEAT_STALE_SECONDS
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), max(last_heartbeat), "
                "extract(epoch FROM now() - max(last_heartbeat)) "
                "FROM procrastinate_workers "
                "WHERE last_heartbeat > now() - make_interval(secs => %s)",
                [stale],
            )
            row = cursor.fetchone()
    except DatabaseError as exc:  # e.g. migrations not applied yet
        return {"status": "error", "error": exc.__class__.__name__}
    alive, last, age = row if row else (0, None, None)
    return {
        "status": "ok" if alive else "down",
        "workers": alive,
        "last_heartbeat": last.isoformat() if last else None,
        "seconds_since_heartbeat": round(float(age), 1) if age is not None else None,
    }
