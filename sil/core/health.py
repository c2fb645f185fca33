"""Worker liveness, read from procrastinate's own heartbeat table."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def worker_status() -> dict[str, object]:
    stale = settings.WORKER_HEARTBEAT_STALE_SECONDS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(last_heartbeat), "
            "extract(epoch FROM now() - max(last_heartbeat)) "
            "FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => %s)",
            [stale],
        )
        alive, last, age = cursor.fetchone()
    return {
        "status": "ok" if alive else "down",
        "workers": alive,
        "last_heartbeat": last.isoformat() if last else None,
        "seconds_since_heartbeat": round(float(age), 1) if age is not None else None,
    }
