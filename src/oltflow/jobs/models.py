"""Scheduling state: compiled jobs, their per-OLT schedule, and every execution."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.choices import Kind
from oltflow.catalog.models import TaskTemplate
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ACTIVE_STATUSES, ExecutionStatus
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

    class Meta:
        ordering = ["olt", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "olt"], name="job_host_unique_per_olt")
        ]
        indexes = [models.Index(fields=["enabled", "next_run_at"], name="job_host_due")]
        verbose_name = _("job host")
        verbose_name_plural = _("job hosts")

    def __str__(self) -> str:
        return f"{self.job.name} @ {self.olt.name}"


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
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (s)"), default=600)
    worker = models.CharField(_("worker"), max_length=128, blank=True)
    error = models.TextField(_("error"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

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
