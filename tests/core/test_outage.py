"""What counts as a database outage (a 503, a worker retry) and what does not; the restart budget
of the process supervisor. The outage itself is played in test_faults.py."""

from __future__ import annotations

import socket

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from sil.cli import RestartBudget
from sil.core.middleware import is_database_outage
from sil.core.worker import is_transient, next_delay


def _refused() -> psycopg.OperationalError:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    try:
        psycopg.connect(f"postgresql://x@127.0.0.1:{port}/x", connect_timeout=2)
    except psycopg.OperationalError as exc:
        return exc
    raise AssertionError("a closed port accepted a connection")


def test_a_refused_connection_is_an_outage_for_pages_and_worker():
    cause = _refused()
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as wrapped:
        assert is_database_outage(wrapped)
        assert is_transient(wrapped)
    assert is_transient(cause)


@pytest.mark.django_db
def test_a_statement_timeout_is_not_an_outage():
    with (
        pytest.raises(OperationalError) as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(2)")
    assert not is_database_outage(raised.value)


def test_other_errors_are_not_outages():
    assert not is_database_outage(ValueError("x"))
    assert not is_transient(ValueError("x"))


def test_backoff_doubles_within_bounds():
    delays = [1.0]
    for _ in range(6):
        delays.append(next_delay(delays[-1], 1, 10))
    assert delays == [1, 2, 4, 8, 10, 10, 10]


def test_restart_budget_allows_five_in_the_window_then_refuses():
    budget = RestartBudget(limit=5, window=300)
    assert all(budget.allow(now) for now in (0, 1, 2, 3, 4))
    assert not budget.allow(5)
    assert budget.allow(301)  # the first restarts have left the window
    assert budget.delay() >= 1
