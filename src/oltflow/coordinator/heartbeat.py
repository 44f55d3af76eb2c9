"""Heartbeats of the executions a process runs: one thread and one short query per beat.

Every running execution must stamp ``heartbeat_at`` so that the reaper can tell a live worker
from a dead one. A thread and a database connection per execution would cost hundreds of
connections at a burst, so each process has one beater: executions register while their
runner works, and the beater stamps all of those due in one UPDATE, then gives its
connection back. It stops beating an execution that is no longer RUNNING (the reaper ended
it), and its thread exits when nothing is registered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass
class _Entry:
    interval: float
    clock: Clock
    next_at: float


class Beater:
    """Stamps ``heartbeat_at`` of every registered execution every ``interval`` seconds."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._entries: dict[int, _Entry] = {}
        self._thread: threading.Thread | None = None

    def add(self, execution_id: int, interval: float, clock: Clock = timezone.now) -> None:
        with self._changed:
            self._entries[execution_id] = _Entry(interval, clock, time.monotonic() + interval)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
                self._thread.start()
            self._changed.notify()

    def remove(self, execution_id: int) -> None:
        with self._changed:
            self._entries.pop(execution_id, None)
            self._changed.notify()

    def is_beating(self, execution_id: int) -> bool:
        with self._changed:
            return execution_id in self._entries

    def _run(self) -> None:
        while True:
            with self._changed:
                while True:
                    if not self._entries:
                        self._thread = None
                        return
                    now = time.monotonic()
                    due = {pk: e for pk, e in self._entries.items() if e.next_at <= now}
                    if due:
                        break
                    self._changed.wait(min(e.next_at for e in self._entries.values()) - now)
                for entry in due.values():
                    entry.next_at = now + entry.interval
            self._beat(due)

    def _beat(self, due: dict[int, _Entry]) -> None:
        try:
            running = set(
                Execution.objects.filter(pk__in=due, status=ExecutionStatus.RUNNING).values_list(
                    "pk", flat=True
                )
            )
            by_clock: dict[Clock, list[int]] = {}
            for pk in running:
                by_clock.setdefault(due[pk].clock, []).append(pk)
            for clock, ids in by_clock.items():
                Execution.objects.filter(pk__in=ids, status=ExecutionStatus.RUNNING).update(
                    heartbeat_at=clock()
                )
            for pk in sorted(due.keys() - running):
                logger.warning("Execution %s is no longer RUNNING; its heartbeat stops", pk)
                self.remove(pk)
        except Exception:
            logger.exception("Heartbeat of executions %s failed", ", ".join(map(str, due)))
        finally:
            connection.close()


beater = Beater()


class Heartbeat:
    """Registers an execution with the process's beater for the duration of a ``with``."""

    def __init__(self, execution: Execution, interval: float, clock: Clock = timezone.now):
        self.execution_id = execution.pk
        self.interval = interval
        self.clock = clock

    def __enter__(self) -> Heartbeat:
        beater.add(self.execution_id, self.interval, self.clock)
        return self

    def __exit__(self, *exc_info: object) -> None:
        beater.remove(self.execution_id)

    @property
    def beating(self) -> bool:
        return beater.is_beating(self.execution_id)
