"""The embedded coordinator: a tick loop and the local thread pools, inside one process.

``oltflow run`` runs it in the foreground; ``oltflow up`` starts it beside the web server
with ``start_local()`` and stops it with ``LocalRuntime.stop()``.

The loop ticks every TICK_SECONDS, sooner when a job comes due before that (it sleeps until
the earliest ``next_run_at`` or ``retry_at``), and at once when an execution ends while work
was left due for lack of room (a kind at capacity, or no idle thread), so the freed room is
used without waiting. Hand-over itself needs no tick: the worker thread that finished an
execution claims its OLT's next job. A tick claims no more than the idle threads can start,
so several processes share the work and no PENDING row waits in a local queue.

``TickLoop`` is the loop alone; ``oltflow coordinator`` runs it with the Celery executor.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from oltflow.coordinator import executors
from oltflow.coordinator.executors.local import LocalExecutor
from oltflow.coordinator.locks import tick_lock
from oltflow.coordinator.tick import tick

logger = logging.getLogger(__name__)

# Wakes never make the loop tick more often than this.
MIN_TICK_SPACING = 0.05


class TickLoop:
    """Ticks with ``executor`` in a thread of its own until ``stop``.

    It ticks every ``tick_seconds``, sooner when a job host comes due before that (it sleeps
    until the earliest ``next_run_at`` or ``retry_at``), and at once on ``wake``. With
    ``exclusive`` every tick runs under the database tick lock, so that several coordinator
    processes tick one at a time; a tick that finds the lock taken is skipped.

    Each tick is logged at DEBUG with its wall time and the CPU time of this thread (the
    scheduling benchmark reads these lines).
    """

    def __init__(
        self,
        executor: executors.Executor,
        *,
        tick_seconds: float,
        exclusive: bool = False,
        name: str = "oltflow-tick",
    ) -> None:
        self.executor = executor
        self.tick_seconds = float(tick_seconds)
        self.exclusive = exclusive
        self.ticks = 0
        self.saturated = False
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> TickLoop:
        self._thread.start()
        return self

    def wake(self) -> None:
        """Tick now instead of at the end of the current pause."""
        self._wake.set()

    def stop(self) -> None:
        """Stop ticking; returns once the tick in progress, if any, has ended."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _tick(self) -> datetime | None:
        if not self.exclusive:
            result = tick(executor=self.executor)
        else:
            with tick_lock() as acquired:
                if not acquired:
                    logger.debug("Tick skipped: another coordinator holds the tick lock")
                    return None
                result = tick(executor=self.executor)
        self.saturated = bool(result.saturated or result.held_back)
        return result.next_due_at

    def _loop(self) -> None:
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                began = time.monotonic()
                cpu_began = time.thread_time()
                next_due = None
                try:
                    next_due = self._tick()
                except Exception:
                    logger.exception("Tick failed; trying again in %.2f s", self.tick_seconds)
                finally:
                    self.ticks += 1
                    close_old_connections()
                logger.debug(
                    "Tick %d took %.2f ms, %.2f ms CPU; loop CPU %.3f s",
                    self.ticks,
                    (time.monotonic() - began) * 1000,
                    (time.thread_time() - cpu_began) * 1000,
                    time.thread_time(),
                )

                pause = self.tick_seconds - (time.monotonic() - began)
                if next_due is not None:
                    pause = min(pause, (next_due - timezone.now()).total_seconds())
                self._wake.wait(max(pause, 0.0))
                spacing = MIN_TICK_SPACING - (time.monotonic() - began)
                if spacing > 0 and not self._stopping.is_set():
                    time.sleep(spacing)
        finally:
            connection.close()


class LocalRuntime:
    def __init__(
        self,
        *,
        concurrency: Mapping[str, int] | None = None,
        tick_seconds: float | None = None,
    ) -> None:
        self.tick_seconds = float(tick_seconds or settings.OLTFLOW["TICK_SECONDS"])
        self.executor = LocalExecutor(concurrency, on_finished=self._execution_finished)
        self._loop = TickLoop(self.executor, tick_seconds=self.tick_seconds)

    @property
    def running(self) -> bool:
        return self._loop.running

    @property
    def ticks(self) -> int:
        return self._loop.ticks

    def start(self) -> LocalRuntime:
        self.executor.start()
        executors.set_current(self.executor)
        self._loop.start()
        logger.info(
            "Local coordinator started: tick every %.2f s, pools %s",
            self.tick_seconds,
            ", ".join(f"{name}={size}" for name, size in self.executor.pool_sizes().items()),
        )
        return self

    def wake(self) -> None:
        """Tick now instead of at the end of the current pause."""
        self._loop.wake()

    def stop(self, graceful: bool = True, timeout: float | None = None) -> list[int]:
        """Stop ticking, release queued executions, wait for running ones up to ``timeout``
        seconds (STOP_TIMEOUT_SECONDS by default; no wait when not ``graceful``) and mark those
        still running INTERRUPTED. Returns the ids of the interrupted executions."""
        if timeout is None:
            timeout = settings.OLTFLOW["STOP_TIMEOUT_SECONDS"]
        self._loop.stop()
        interrupted = self.executor.stop(graceful=graceful, timeout=timeout)
        if executors.current() is self.executor:
            executors.set_current(None)
        logger.info(
            "Local coordinator stopped after %d ticks; %d executions interrupted",
            self.ticks,
            len(interrupted),
        )
        return interrupted

    def abort(self) -> None:
        """Make a ``stop`` in progress stop waiting for running executions."""
        self.executor.abort()

    def _execution_finished(self) -> None:
        if self._loop.saturated:
            self._loop.wake()


def start_local(
    *, concurrency: Mapping[str, int] | None = None, tick_seconds: float | None = None
) -> LocalRuntime:
    """Start the embedded coordinator in background threads of this process."""
    return LocalRuntime(concurrency=concurrency, tick_seconds=tick_seconds).start()
