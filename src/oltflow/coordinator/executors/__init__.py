"""Executors: where claimed executions go to run. One protocol, two back ends.

``LocalExecutor`` runs them on thread pools inside this process (the embedded default);
``CeleryExecutor`` sends them to Celery workers when ``OLTFLOW_BROKER_URL`` is set. Coordinator
code only calls ``dispatch``; it never knows which one it talks to.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import transaction

if TYPE_CHECKING:
    from oltflow.coordinator.claim import Claimed

logger = logging.getLogger(__name__)


class Executor(Protocol):
    def dispatch(self, claimed: Claimed) -> None:
        """Hand one claimed execution to a worker. Called only after its claim committed."""

    def is_accepting(self) -> bool:
        """False while stopping: finishing executions then hand their OLT to nobody."""

    def free_slots(self) -> Mapping[str, int] | None:
        """Per queue, how many more executions it can start now; None for no limit."""


def dispatch_on_commit(executor: Executor, claimed: Sequence[Claimed]) -> None:
    """Dispatch ``claimed`` once the current transaction commits (at once outside one).

    A failed dispatch is logged and left to the reaper, which sends a PENDING execution again
    when no worker took it within the dispatch timeout.
    """
    if not claimed:
        return
    items = list(claimed)

    def send() -> None:
        for item in items:
            try:
                executor.dispatch(item)
            except Exception:
                logger.exception(
                    "Dispatch of execution %s (job host %s, OLT %s) to queue %s failed",
                    item.execution_id,
                    item.job_host_id,
                    item.olt_id,
                    item.queue,
                )

    transaction.on_commit(send)


_current: Executor | None = None


def set_current(executor: Executor | None) -> None:
    """Register the executor of this process (the local runtime does at start and stop)."""
    global _current
    _current = executor


def current() -> Executor | None:
    """This process's executor: Celery when a broker is set, else a running local runtime."""
    if _current is not None:
        return _current
    if settings.OLTFLOW["BROKER_URL"]:
        from oltflow.coordinator.executors.celery import CeleryExecutor

        return CeleryExecutor()
    return None
