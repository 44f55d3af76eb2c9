"""Scheduling state: compiled jobs, their per-OLT schedule, and every execution."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.choices import Kind
from oltflow.catalog.models import TaskTemplate
from oltflow.db import statements
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ACTIVE_STATUSES, TERMINAL_STATUSES, ExecutionStatus
from oltflow.workflows.models import WorkflowNode


class SnmpJob(models.Model):
    """A workflow node compiled for the scheduler: effective priority, interval and switch."""

    node = models.OneToOneField(WorkflowNode, on_delete=models.CASCADE, related_name="job")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    task_template = models.ForeignKey(TaskTemplate, on_delete=models.PROTECT, related_name="jobs")
    interval_seconds = models.PositiveIntegerField(_("interval (s)"))
    priority = models.PositiveSmallIntegerField(_("effective priority"))
    run_after = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="chained"
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["-priority", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=100), name="job_priority_range"
            )
        ]
        verbose_name = _("SNMP job")
        verbose_name_plural = _("SNMP jobs")

    def __str__(self) -> str:
        return self.name


class SnmpJobHost(models.Model):
    """When a job next runs on an OLT, and how its last runs went."""

    job = models.ForeignKey(SnmpJob, on_delete=models.CASCADE, related_name="hosts")
    olt = models.ForeignKey(Olt, on_delete=models.CASCADE, related_name="job_hosts")
    enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(
        _("next run"), null=True, blank=True, help_text=_("Empty while waiting for a master node.")
    )
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    retry_attempt = models.PositiveSmallIntegerField(_("attempt of the pending retry"), default=0)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    missed_runs = models.PositiveIntegerField(
        _("missed runs"), default=0, help_text=_("Grid periods skipped because the job was late.")
    )
    last_claimed_at = models.DateTimeField(
        _("last claimed"),
        null=True,
        blank=True,
        help_text=_("When the coordinator last created an execution for it (minimum gap)."),
    )
    run_requested_at = models.DateTimeField(
        _("run requested"),
        null=True,
        blank=True,
        help_text=_("Set by 'run now': due at once and first on its OLT until claimed."),
    )

    class Meta:
        ordering = ["olt", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "olt"], name="job_host_unique_per_olt")
        ]
        indexes = [
            models.Index(fields=["enabled", "next_run_at"], name="job_host_due"),
            # Few rows have these set; the claim's due test reads them through these indexes.
            models.Index(
                fields=["retry_at"],
                condition=models.Q(retry_at__isnull=False),
                name="job_host_retry",
            ),
            models.Index(
                fields=["run_requested_at"],
                condition=models.Q(run_requested_at__isnull=False),
                name="job_host_requested",
            ),
        ]
        verbose_name = _("job host")
        verbose_name_plural = _("job hosts")

    def __str__(self) -> str:
        return f"{self.job.name} @ {self.olt.name}"

    def record_success(self, now: datetime) -> None:
        """The last execution succeeded: failures are reset and no retry is pending."""
        statements.update(
            SnmpJobHost,
            {"pk": self.pk},
            last_success_at=now,
            consecutive_failures=0,
            retry_at=None,
            retry_attempt=0,
        )

    def record_failure(self, now: datetime, *, retry_at: datetime | None, attempt: int) -> None:
        """The last execution failed; ``retry_at`` (or None) schedules attempt ``attempt``."""
        SnmpJobHost.objects.filter(pk=self.pk).update(
            last_failure_at=now,
            consecutive_failures=F("consecutive_failures") + 1,
            retry_at=retry_at,
            retry_attempt=attempt if retry_at is not None else 0,
        )


class Execution(models.Model):
    """One run of a job on an OLT. At most one per OLT is PENDING or RUNNING (invariant 1)."""

    # SET_NULL: removing a job host (unapplying a template, deleting a node) keeps its executions
    # as history, and an execution still running keeps its row so it can end normally.
    job_host = models.ForeignKey(
        SnmpJobHost,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="executions",
    )
    olt = models.ForeignKey(Olt, on_delete=models.CASCADE, related_name="executions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    status = models.CharField(
        _("status"), max_length=12, choices=ExecutionStatus, default=ExecutionStatus.PENDING
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    queue = models.CharField(_("queue"), max_length=32)
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("created"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    deadline_at = models.DateTimeField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("Start plus time limit plus grace: the reaper ends it after this."),
    )
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (s)"), default=600)
    worker = models.CharField(_("worker"), max_length=128, blank=True)
    error = models.TextField(_("error"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    dispatch_count = models.PositiveSmallIntegerField(
        _("dispatches"), default=0, help_text=_("Times it was handed to the executor.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["olt"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="one_active_execution_per_olt",
            )
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="execution_status_kind"),
            models.Index(fields=["olt", "created_at"], name="execution_olt_created"),
        ]
        verbose_name = _("execution")
        verbose_name_plural = _("executions")

    def __str__(self) -> str:
        return f"execution {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    # Transitions. Each one is a single conditional UPDATE, so a worker, the reaper and a
    # duplicate delivery racing on one row agree on who made the change: the one that matched.

    def start(self, worker: str, now: datetime, *, grace_seconds: float = 0) -> bool:
        """PENDING -> RUNNING. False when the row is no longer PENDING (duplicate delivery).

        Sets ``deadline_at`` to ``now`` plus the time limit plus ``grace_seconds``.
        """
        deadline = now + timedelta(seconds=self.time_limit_seconds + grace_seconds)
        changed = statements.update(
            Execution,
            {"pk": self.pk, "status": ExecutionStatus.PENDING},
            status=ExecutionStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            deadline_at=deadline,
            worker=worker[:128],
        )
        if changed:
            self.status = ExecutionStatus.RUNNING
            self.started_at = self.heartbeat_at = now
            self.deadline_at = deadline
            self.worker = worker[:128]
        return bool(changed)

    def beat(self, now: datetime) -> bool:
        """Record that the worker is alive. False when the execution is no longer RUNNING."""
        changed = Execution.objects.filter(pk=self.pk, status=ExecutionStatus.RUNNING).update(
            heartbeat_at=now
        )
        return bool(changed)

    def finish(
        self,
        status: str,
        now: datetime,
        *,
        error: str = "",
        summary: dict[str, Any] | None = None,
    ) -> bool:
        """Active -> ``status`` (a terminal one). False when another party already ended it."""
        if status not in TERMINAL_STATUSES:
            raise ValueError(f"{status!r} is not a terminal status")
        duration = (now - self.started_at).total_seconds() if self.started_at else None
        changed = statements.update(
            Execution,
            {"pk": self.pk, "status": ACTIVE_STATUSES},
            status=status,
            finished_at=now,
            duration_seconds=duration,
            error=error,
            summary=summary or {},
        )
        if changed:
            self.status = status
            self.finished_at = now
            self.duration_seconds = duration
            self.error = error
            self.summary = summary or {}
        return bool(changed)

    def redispatch(self, now: datetime) -> bool:
        """Count one more hand-over to the executor of a row still PENDING. False when it
        started meanwhile, or another reaper already sent it again."""
        changed = Execution.objects.filter(
            pk=self.pk, status=ExecutionStatus.PENDING, dispatch_count=self.dispatch_count
        ).update(dispatched_at=now, dispatch_count=F("dispatch_count") + 1)
        if changed:
            self.dispatched_at = now
            self.dispatch_count += 1
        return bool(changed)
