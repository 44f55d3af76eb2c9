"""The Celery executor: send claimed executions to the worker queue of their kind."""

from __future__ import annotations

from django.conf import settings

from oltflow.coordinator.claim import Claimed


class CeleryExecutor:
    """Sends one ``oltflow.execute`` task per execution, with the job's time limits.

    The soft limit is the task template's time limit (the runner gets SoftTimeLimitExceeded
    and the execution ends INTERRUPTED); the hard limit adds TIME_LIMIT_GRACE_SECONDS, after
    which Celery kills the process and the reaper ends the row.
    """

    def dispatch(self, claimed: Claimed) -> None:
        from oltflow.coordinator.tasks.execution import run_execution

        limit = claimed.time_limit_seconds
        run_execution.apply_async(
            args=[claimed.execution_id],
            queue=claimed.queue,
            soft_time_limit=limit,
            time_limit=limit + settings.OLTFLOW["TIME_LIMIT_GRACE_SECONDS"],
        )

    def is_accepting(self) -> bool:
        return True

    def free_slots(self) -> None:
        """Celery queues take any number; the capacity per kind is the only limit."""
        return None
