"""The reaper: every execution ends, even when its worker vanished (invariant 2).

Run at the start of every tick. One query finds the active executions with a problem; the
healthy ones are never loaded, so a pass costs the same whatever the number of workers (a
pass that finds a worker silent also reads the PENDING rows).

- RUNNING without a heartbeat for HEARTBEAT_TIMEOUT_SECONDS (killed worker, lost host), or
  past its ``deadline_at`` (start + time limit + TIME_LIMIT_GRACE_SECONDS): INTERRUPTED with
  the reason, and retried like a retryable failure.
- PENDING that no worker took within DISPATCH_TIMEOUT_SECONDS: sent again, up to REDISPATCHES
  times. Sending again is harmless, because only the delivery that moves the row from PENDING
  to RUNNING runs it; it is also the right answer to the usual cause, a message lost with a
  killed worker or a restarted broker, and to a false alarm (a queue that was merely slow),
  which then costs one ignored message instead of an interrupted run. After the last
  dispatch the execution is released: INTERRUPTED, and its job host due again as before.
- Every PENDING, when this pass found a worker silent: sent again at once, without waiting
  for the dispatch timeout, because the silent worker may hold its message (a Celery worker
  takes its next message before it can start it, and the broker gives an unacknowledged one
  back only after its visibility timeout, an hour on Redis). It counts as one of the row's
  REDISPATCHES; a row waiting in a live worker's queue gets one ignored duplicate.

With the defaults a dead worker's OLT is free within 30 s plus one tick. A message lost with
a worker that was running an execution is sent again at that moment too; any other lost
message's OLT is free within two dispatch timeouts (120 s) plus one tick.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from oltflow.coordinator.claim import Claimed
from oltflow.coordinator.execute import finish_execution, release_execution
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reaped:
    """What one reaper pass did: execution ids ended, and executions to dispatch again."""

    interrupted: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    redispatched: list[Claimed] = field(default_factory=list)


def reap(now: datetime | None = None) -> Reaped:
    """End or resend the active executions whose worker stopped answering."""
    now = now or timezone.now()
    options = settings.OLTFLOW
    heartbeat_timeout = timedelta(seconds=options["HEARTBEAT_TIMEOUT_SECONDS"])
    dispatch_timeout = timedelta(seconds=options["DISPATCH_TIMEOUT_SECONDS"])
    redispatches = options["REDISPATCHES"]

    # Only the rows with a problem: a stale heartbeat, a passed deadline, a late pickup.
    silent_since = now - heartbeat_timeout
    sent_before = now - dispatch_timeout
    suspects = Execution.objects.filter(
        Q(status=ExecutionStatus.RUNNING)
        & (Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True) | Q(deadline_at__lt=now))
        | Q(status=ExecutionStatus.PENDING)
        & (
            Q(dispatched_at__lt=sent_before)
            | Q(dispatched_at__isnull=True, created_at__lt=sent_before)
        )
    ).select_related("job_host__job__task_template")

    result = Reaped()
    pending: list[Execution] = []
    found_silent = False
    for execution in suspects:
        if execution.status == ExecutionStatus.PENDING:
            pending.append(execution)
            continue
        reason = _running_problem(execution, now, heartbeat_timeout)
        if reason is None:
            continue
        logger.warning(
            "Reaping execution %s on OLT %s (job host %s): %s",
            execution.pk,
            execution.olt_id,
            execution.job_host_id,
            reason,
        )
        silent = _is_silent(execution, now, heartbeat_timeout)
        if finish_execution(
            execution, ExecutionStatus.INTERRUPTED, now, error=reason, retryable=True
        ):
            result.interrupted.append(execution.pk)
            found_silent = found_silent or silent

    if found_silent:
        pending += _sent_since(sent_before)
    for execution in pending:
        sent_at = execution.dispatched_at or execution.created_at
        timed_out = now - sent_at > dispatch_timeout
        if execution.dispatch_count <= redispatches:
            if execution.redispatch(now):
                logger.warning(
                    "Execution %s on OLT %s %s, sent %.0f s ago; sending it again (dispatch %d)",
                    execution.pk,
                    execution.olt_id,
                    "not picked up" if timed_out else "possibly lost with a dead worker",
                    (now - sent_at).total_seconds(),
                    execution.dispatch_count,
                )
                result.redispatched.append(_as_claimed(execution))
            continue
        if not timed_out:
            continue  # Its last dispatch still has time to be picked up.
        reason = f"not picked up after {execution.dispatch_count} dispatches"
        if release_execution(execution, now, reason):
            result.released.append(execution.pk)
    return result


def _sent_since(moment: datetime) -> list[Execution]:
    """The PENDING executions last sent at ``moment`` or later."""
    return list(
        Execution.objects.filter(status=ExecutionStatus.PENDING)
        .filter(
            Q(dispatched_at__gte=moment) | Q(dispatched_at__isnull=True, created_at__gte=moment)
        )
        .select_related("job_host__job__task_template")
    )


def _last_sign(execution: Execution) -> datetime:
    return execution.heartbeat_at or execution.started_at or execution.created_at


def _is_silent(execution: Execution, now: datetime, heartbeat_timeout: timedelta) -> bool:
    return now - _last_sign(execution) > heartbeat_timeout


def _running_problem(
    execution: Execution, now: datetime, heartbeat_timeout: timedelta
) -> str | None:
    if _is_silent(execution, now, heartbeat_timeout):
        worker = execution.worker or "unknown worker"
        silence = (now - _last_sign(execution)).total_seconds()
        return f"no heartbeat for {silence:.0f} s ({worker})"
    if execution.deadline_at is not None and now > execution.deadline_at:
        return f"outlived its time limit of {execution.time_limit_seconds} s"
    return None


def _as_claimed(execution: Execution) -> Claimed:
    job = execution.job_host.job if execution.job_host is not None else None
    return Claimed(
        execution_id=execution.pk,
        job_host_id=execution.job_host_id,
        olt_id=execution.olt_id,
        job_name=job.name if job else "",
        kind=execution.kind,
        queue=execution.queue,
        attempt=execution.attempt,
        priority=job.priority if job else 0,
        time_limit_seconds=execution.time_limit_seconds,
    )
