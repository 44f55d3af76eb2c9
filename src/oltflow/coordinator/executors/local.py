"""The local executor: one thread pool per queue, inside this process, no broker.

Same queue names and concurrency settings as the Celery workers (settings CONCURRENCY). Each
worker thread runs ``execute``, which hands the OLT over to its next due job when it ends, so
an OLT goes from one job to the next without waiting for a tick.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Mapping

from django.conf import settings
from django.db import connection
from django.utils import timezone

from oltflow.coordinator.claim import Claimed
from oltflow.coordinator.execute import execute, finish_execution, release_execution
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution

logger = logging.getLogger(__name__)

_STOP = object()


class LocalExecutor:
    """Thread pools per queue. ``stop`` releases queued work and waits for running work."""

    def __init__(
        self,
        concurrency: Mapping[str, int] | None = None,
        *,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        sizes = dict(concurrency or settings.OLTFLOW["CONCURRENCY"])
        self._pools = {name: _Pool(name, size, self) for name, size in sizes.items()}
        self._on_finished = on_finished
        self._accepting = False
        self._lock = threading.Lock()
        self._abort = threading.Event()

    def start(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.start()
            self._accepting = True

    def is_accepting(self) -> bool:
        return self._accepting

    def dispatch(self, claimed: Claimed) -> None:
        with self._lock:
            if self._accepting:
                pool = self._pools.get(claimed.queue)
                if pool is None:
                    raise LookupError(f"no local pool serves queue {claimed.queue!r}")
                pool.submit(claimed)
                return
        _release(claimed.execution_id, "the local runtime stopped before it started")

    def pool_sizes(self) -> dict[str, int]:
        return {name: pool.size for name, pool in self._pools.items()}

    def free_slots(self) -> dict[str, int]:
        """Idle threads per queue, minus work queued for them. A worker thread asking (its
        hand-over, as its execution ends) counts as idle: it takes the next item at once."""
        me = threading.current_thread().name
        return {name: pool.free(counting=me) for name, pool in self._pools.items()}

    def running(self) -> list[int]:
        """Ids of the executions the worker threads run now."""
        return [pk for pool in self._pools.values() for pk in pool.running()]

    def stop(self, *, graceful: bool = True, timeout: float = 30.0) -> list[int]:
        """Stop taking work, release what was queued, then wait up to ``timeout`` seconds for
        running executions (none when not ``graceful``). Executions still running are marked
        INTERRUPTED; their threads are left to end on their own. Returns their ids."""
        with self._lock:
            self._accepting = False
            queued = [item for pool in self._pools.values() for item in pool.close()]
        for item in queued:
            _release(item.execution_id, "the local runtime stopped before it started")

        deadline = time.monotonic() + (timeout if graceful else 0.0)
        for pool in self._pools.values():
            pool.join(deadline, self._abort)

        left = self.running()
        if left:
            now = timezone.now()
            for execution in Execution.objects.filter(
                pk__in=left, status=ExecutionStatus.RUNNING
            ).select_related("job_host__job__task_template"):
                finish_execution(
                    execution,
                    ExecutionStatus.INTERRUPTED,
                    now,
                    error="the local runtime stopped while it ran",
                    retryable=True,
                )
        return left

    def abort(self) -> None:
        """Stop waiting for running executions (a second Ctrl-C during ``stop``)."""
        self._abort.set()

    def _finished(self) -> None:
        if self._on_finished is not None:
            self._on_finished()


class _Pool:
    """``size`` daemon threads taking claimed executions from one queue."""

    def __init__(self, name: str, size: int, executor: LocalExecutor) -> None:
        self.name = name
        self.size = size
        self._executor = executor
        self._items: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        # Under _count_lock: executions handed to this pool and not yet taken by a thread,
        # and the execution each thread runs. Together they say exactly how many are idle.
        self._count_lock = threading.Lock()
        self._waiting = 0
        self._running: dict[str, int] = {}

    def start(self) -> None:
        for number in range(self.size):
            thread = threading.Thread(
                target=self._work, name=f"{self.name}-{number + 1}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def submit(self, claimed: Claimed) -> None:
        with self._count_lock:
            self._waiting += 1
        self._items.put(claimed)

    def running(self) -> list[int]:
        with self._count_lock:
            return list(self._running.values())

    def free(self, *, counting: str) -> int:
        with self._count_lock:
            busy = sum(1 for thread in self._running if thread != counting)
            return max(0, self.size - busy - self._waiting)

    def close(self) -> list[Claimed]:
        """Take back everything not started yet, and tell every thread to stop."""
        queued = []
        while True:
            try:
                item = self._items.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                queued.append(item)
                with self._count_lock:
                    self._waiting -= 1
        for _ in self._threads:
            self._items.put(_STOP)
        return queued

    def join(self, deadline: float, abort: threading.Event) -> None:
        for thread in self._threads:
            while thread.is_alive() and not abort.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                thread.join(min(left, 0.1))

    def _work(self) -> None:
        me = threading.current_thread().name
        worker = f"{socket.gethostname()}:{os.getpid()}:{me}"
        try:
            while True:
                item = self._items.get()
                if item is _STOP:
                    return
                with self._count_lock:
                    self._waiting -= 1
                    self._running[me] = item.execution_id
                try:
                    execute(item.execution_id, worker, executor=self._executor)
                except Exception:
                    logger.exception(
                        "Worker %s could not run execution %s", worker, item.execution_id
                    )
                finally:
                    with self._count_lock:
                        self._running.pop(me, None)
                    # The connection goes back after every execution: threads sized for bursts
                    # would otherwise hold more connections than PostgreSQL allows.
                    connection.close()
                self._executor._finished()
        finally:
            connection.close()


def _release(execution_id: int, reason: str) -> None:
    execution = Execution.objects.filter(pk=execution_id).first()
    if execution is not None:
        release_execution(execution, timezone.now(), reason)
