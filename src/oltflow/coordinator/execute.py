"""Run one execution: start it, keep its heartbeat, call its runner, record the outcome.

The same function runs inside the local thread pools and inside Celery tasks. After the
outcome is recorded it hands the OLT over to its next due job at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from oltflow.coordinator import policy
from oltflow.coordinator.executors import Executor, current
from oltflow.coordinator.handover import hand_over
from oltflow.coordinator.heartbeat import Heartbeat
from oltflow.db import release_connection, statements
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJob, SnmpJobHost
from oltflow.polling.registry import RunnerInterrupted, runner_for

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def execute(
    execution_id: int,
    worker: str,
    *,
    executor: Executor | None = None,
    clock: Clock = timezone.now,
    interrupted_by: tuple[type[BaseException], ...] = (),
) -> Execution | None:
    """Run execution ``execution_id`` on ``worker`` and hand its OLT over afterwards.

    Does nothing (returns None) unless the execution is still PENDING: a duplicate delivery,
    or a row the reaper already ended. ``interrupted_by`` names exceptions that end it as
    INTERRUPTED rather than FAILED (Celery's soft time limit).
    """
    execution = _load.get(execution_id)
    if execution is None:
        logger.warning("Execution %s does not exist; nothing to run", execution_id)
        return None

    # Start: only the delivery that moves the row from PENDING runs it. Its job host records
    # the start in the same commit.
    grace = settings.OLTFLOW["TIME_LIMIT_GRACE_SECONDS"]
    with transaction.atomic():
        started = execution.start(worker, clock(), grace_seconds=grace)
        if started and execution.job_host_id is not None:
            statements.update(
                SnmpJobHost, {"pk": execution.job_host_id}, last_run_at=execution.started_at
            )
    if not started:
        logger.info(
            "Execution %s is %s, not PENDING: delivery to %s ignored",
            execution_id,
            Execution.objects.filter(pk=execution_id).values_list("status", flat=True).first(),
            worker,
        )
        return None
    job_host = execution.job_host
    if job_host is None:
        finish_execution(execution, ExecutionStatus.INTERRUPTED, clock(), error="job host removed")
        return execution
    logger.info(
        "Execution %s started: job host %s (%s) on OLT %s, attempt %d, worker %s",
        execution.pk,
        job_host.pk,
        job_host.job.name,
        execution.olt_id,
        execution.attempt,
        worker,
    )

    # Run, beating while the runner works. The runner takes a connection when it needs one:
    # holding this one through its SNMP waits would make connections, not threads, the
    # number of executions that can run at once.
    status, error, summary, retryable = ExecutionStatus.SUCCESS, "", {}, False
    try:
        runner = runner_for(job_host.job.task_template.function.runner)
        release_connection()
        with Heartbeat(execution, settings.OLTFLOW["HEARTBEAT_SECONDS"], clock):
            summary = runner(execution) or {}
    except RunnerInterrupted as exc:
        status, error = ExecutionStatus.INTERRUPTED, str(exc) or "interrupted by the runner"
    except interrupted_by as exc:
        status, error = ExecutionStatus.INTERRUPTED, f"time limit reached ({type(exc).__name__})"
        retryable = True
    except Exception as exc:
        status, error = ExecutionStatus.FAILED, f"{type(exc).__name__}: {exc}"
        retryable = bool(getattr(exc, "retryable", False))
        if not retryable:
            logger.exception("Execution %s failed", execution.pk)

    # Record, then hand the OLT over to its next due job.
    finish_execution(execution, status, clock(), error=error, summary=summary, retryable=retryable)
    executor = executor if executor is not None else current()
    if executor is not None and executor.is_accepting():
        hand_over(execution.olt_id, executor=executor, now=clock())
    return execution


def finish_execution(
    execution: Execution,
    status: str,
    now: datetime,
    *,
    error: str = "",
    summary: dict[str, Any] | None = None,
    retryable: bool = False,
) -> bool:
    """End an active execution and update its job host; False when it had already ended.

    Success resets the failure count and makes chained jobs on the same OLT due now. A
    retryable failure schedules the next attempt with backoff, within the task template's
    ``max_retries``. Both rows change in one transaction, so no claim sees one without the
    other.
    """
    with transaction.atomic():
        if not execution.finish(status, now, error=error, summary=summary):
            logger.warning(
                "Execution %s had already ended; outcome %s dropped", execution.pk, status
            )
            return False
        job_host = execution.job_host
        if job_host is None:
            logger.info("Execution %s ended %s; its job host was removed", execution.pk, status)
            return True

        if status == ExecutionStatus.SUCCESS:
            job_host.record_success(now)
            _make_chained_due(execution, job_host, now)
        else:
            template = job_host.job.task_template
            next_attempt_at = None
            if retryable:
                next_attempt_at = policy.retry_at(
                    attempt=execution.attempt,
                    max_retries=template.max_retries,
                    delay_seconds=template.retry_delay_seconds,
                    now=now,
                    next_run_at=SnmpJobHost.objects.filter(pk=job_host.pk)
                    .values_list("next_run_at", flat=True)
                    .first(),
                )
            job_host.record_failure(now, retry_at=next_attempt_at, attempt=execution.attempt + 1)
            if next_attempt_at is not None:
                logger.info(
                    "Job host %s on OLT %s retries at %s (attempt %d of %d)",
                    job_host.pk,
                    execution.olt_id,
                    next_attempt_at.isoformat(),
                    execution.attempt + 1,
                    template.max_retries + 1,
                )

    log = logger.info if status == ExecutionStatus.SUCCESS else logger.warning
    log(
        "Execution %s ended %s after %s s: job host %s on OLT %s%s",
        execution.pk,
        status,
        f"{execution.duration_seconds:.3f}" if execution.duration_seconds is not None else "-",
        job_host.pk,
        execution.olt_id,
        f" ({error})" if error else "",
    )
    return True


def release_execution(execution: Execution, now: datetime, reason: str) -> bool:
    """End an execution that never started, and make its job host due as before the claim.

    Used when a PENDING execution was not run through no fault of its job (the runtime
    stopped, no worker took it): it is not counted as a failure, and the same attempt runs at
    the next claim.
    """
    with transaction.atomic():
        if execution.status != ExecutionStatus.PENDING or not execution.finish(
            ExecutionStatus.INTERRUPTED, now, error=reason
        ):
            return False
        if execution.job_host_id is not None:
            if execution.attempt > 1:
                SnmpJobHost.objects.filter(pk=execution.job_host_id).update(
                    retry_at=execution.due_at, retry_attempt=execution.attempt
                )
            else:
                SnmpJobHost.objects.filter(
                    Q(next_run_at__isnull=True) | Q(next_run_at__gt=execution.due_at),
                    pk=execution.job_host_id,
                ).update(next_run_at=execution.due_at)
    logger.warning(
        "Execution %s released: %s; job host %s on OLT %s is due again",
        execution.pk,
        reason,
        execution.job_host_id,
        execution.olt_id,
    )
    return True


# What an execution needs to run: its OLT, its job with the node and the runner's function.
_load = statements.Loader(
    Execution, "olt", "job_host__job__node", "job_host__job__task_template__function"
)

# One statement whether or not the job has chained jobs (most have none): UPDATE ... RETURNING
# runs on PostgreSQL and on SQLite 3.35 or later, like the claim's INSERT.
_CHAINED_DUE_SQL = """
UPDATE {job_host} SET next_run_at = %s
WHERE olt_id = %s AND enabled AND (next_run_at IS NULL OR next_run_at > %s)
  AND job_id IN (SELECT id FROM {job} WHERE run_after_id = %s)
RETURNING id
"""


def _make_chained_due(execution: Execution, job_host: SnmpJobHost, now: datetime) -> None:
    quote = connection.ops.quote_name
    sql = _CHAINED_DUE_SQL.format(
        job_host=quote(SnmpJobHost._meta.db_table), job=quote(SnmpJob._meta.db_table)
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp, execution.olt_id, stamp, job_host.job_id])
        ids = sorted(row[0] for row in cursor.fetchall())
    if ids:
        logger.info(
            "Job hosts %s on OLT %s are due: their master job host %s succeeded",
            ", ".join(map(str, ids)),
            execution.olt_id,
            job_host.pk,
        )
