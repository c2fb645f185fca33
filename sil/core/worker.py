"""The background worker (`sil worker`): procrastinate's worker, kept alive across database outages.

procrastinate's own worker stops as soon as the database cannot be reached (a failed heartbeat,
poll or connection-pool timeout ends it) and `procrastinate worker` then exits. Here the worker
runs in a loop instead: when it ends on a transient database error, it is started again on a
fresh connection pool after a wait that doubles from SIL_WORKER_RETRY_MIN_S up to
SIL_WORKER_RETRY_MAX_S, for as long as it takes. Jobs are not lost meanwhile: they wait in the
database, and what a job left half done is taken up again by its own mechanism (the outbox
dispatcher's leases, for instance). Any other error ends the process, for the supervisor to see.

SIGTERM and SIGINT stop it gracefully at any time: running jobs are allowed to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterable, Iterator
from typing import Any

import psycopg
from django.conf import settings
from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError
from procrastinate.contrib.django import app
from procrastinate.contrib.django.settings import settings as django_settings
from procrastinate.contrib.django.utils import connector_params
from procrastinate.psycopg_connector import PsycopgConnector

logger = logging.getLogger(__name__)

# Errors that say "the database is not there right now", not "this code is wrong". psycopg's
# OperationalError covers refused connections, dropped ones, server shutdowns and the pool's
# timeout (psycopg_pool.PoolTimeout); procrastinate wraps them in ConnectorException, with the
# original as the cause.
_TRANSIENT: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    DjangoOperationalError,
    DjangoInterfaceError,
    ConnectionError,
    TimeoutError,
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_transient(exc: BaseException) -> bool:
    """True when the error, or one it was raised from, is a lost or refused database connection."""
    return any(isinstance(link, _TRANSIENT) for link in _chain(exc))


def next_delay(delay: float, minimum: float, maximum: float) -> float:
    """The wait before the next attempt: doubled, within [minimum, maximum]."""
    return max(minimum, min(maximum, delay * 2))


class ResilientWorker:
    """Runs procrastinate's worker until asked to stop, restarting it after database outages."""

    def __init__(
        self,
        queues: Iterable[str] | None = None,
        *,
        retry_min_s: float | None = None,
        retry_max_s: float | None = None,
        worker_options: dict[str, Any] | None = None,
    ) -> None:
        self.queues = list(queues) if queues else None
        self.retry_min_s = float(
            settings.SIL_WORKER_RETRY_MIN_S if retry_min_s is None else retry_min_s
        )
        self.retry_max_s = float(
            settings.SIL_WORKER_RETRY_MAX_S if retry_max_s is None else retry_max_s
        )
        self.worker_options = {
            "update_heartbeat_interval": float(settings.SIL_WORKER_HEARTBEAT_S),
            **(worker_options or {}),
        }
        self.restarts = 0
        self._stop = asyncio.Event()
        self._current: asyncio.Task[None] | None = None

    def stop(self) -> None:
        """Graceful stop: the running worker finishes its jobs, no new attempt is made."""
        self._stop.set()
        if self._current is not None and not self._current.done():
            self._current.cancel()  # procrastinate turns the cancellation into a graceful stop

    def _connector(self) -> PsycopgConnector:
        """A fresh connector (and pool) per attempt: nothing of the lost connections is reused.

        As procrastinate's Django worker connector, but a connection is awaited at most
        SIL_WORKER_RETRY_MAX_S instead of 30 s, so an attempt on a lost database ends sooner.
        (Opening the pool waits up to psycopg_pool's 30 s, retrying the connection meanwhile.)
        """
        return PsycopgConnector(
            kwargs=connector_params(django_settings.DATABASE_ALIAS),
            timeout=self.retry_max_s,
        )

    async def _run_once(self) -> None:
        options: dict[str, Any] = {"install_signal_handlers": False, **self.worker_options}
        if self.queues:  # none given: every queue
            options["queues"] = self.queues
        with app.replace_connector(self._connector()) as worker_app:
            async with worker_app.open_async():
                await worker_app.run_worker_async(**options)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def run(self) -> None:
        delay = self.retry_min_s
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            started = loop.time()
            self._current = asyncio.create_task(self._run_once(), name="procrastinate worker")
            try:
                await self._current
            except asyncio.CancelledError:
                if not self._stop.is_set():
                    raise
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                cause = next((link for link in _chain(exc) if link is not exc), None)
                logger.warning(
                    "worker: database unavailable (%s%s); trying again in %.0f s",
                    type(exc).__name__,
                    f": {cause}" if cause is not None else f": {reason}",
                    delay,
                )
            else:
                if self._stop.is_set():
                    return
                # procrastinate stops by itself when a side task (the heartbeat, the listener)
                # failed: that is a database error too, already logged by procrastinate.
                logger.warning("worker: stopped by itself; trying again in %.0f s", delay)
            finally:
                self._current = None
            if loop.time() - started > self.retry_max_s * 4:
                delay = self.retry_min_s  # it ran well for a while: start the backoff over
            await self._sleep(delay)
            delay = next_delay(delay, self.retry_min_s, self.retry_max_s)
            if not self._stop.is_set():
                self.restarts += 1
                logger.warning("worker: starting again (attempt %d)", self.restarts + 1)


def run_worker(queues: Iterable[str] | None = None) -> None:
    """Run the resilient worker in this process until SIGTERM or SIGINT."""

    async def main() -> None:
        worker = ResilientWorker(queues)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.stop)
        try:
            await worker.run()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    asyncio.run(main())
