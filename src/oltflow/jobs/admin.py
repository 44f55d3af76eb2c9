"""Read-only admin lists of the scheduling state: compiled jobs, job hosts and executions.

These rows are written by the workflow services and the coordinator, never by hand.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oltflow.coordinator.services import run_now
from oltflow.jobs.models import Execution, SnmpJob, SnmpJobHost
from oltflow.workflows.admin_actions import ReadOnlyAdmin


class SnmpJobHostInline(admin.TabularInline):
    model = SnmpJobHost
    extra = 0
    can_delete = False
    fields = (
        "olt",
        "enabled",
        "next_run_at",
        "last_run_at",
        "last_success_at",
        "consecutive_failures",
        "missed_runs",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: SnmpJob | None = None) -> bool:
        return False


@admin.register(SnmpJob)
class SnmpJobAdmin(ReadOnlyAdmin):
    list_display = ("name", "olt", "kind", "priority", "interval_seconds", "enabled", "run_after")
    list_filter = ("kind", "enabled", "node__workflow__olt")
    search_fields = ("name", "node__key", "node__workflow__olt__name")
    list_select_related = ("node__workflow__olt", "run_after")
    inlines = (SnmpJobHostInline,)

    @admin.display(description=_("OLT"), ordering="node__workflow__olt__name")
    def olt(self, obj: SnmpJob) -> str:
        return obj.node.workflow.olt.name


@admin.register(SnmpJobHost)
class SnmpJobHostAdmin(ReadOnlyAdmin):
    list_display = (
        "job",
        "olt",
        "enabled",
        "next_run_at",
        "retry_at",
        "last_run_at",
        "last_success_at",
        "last_failure_at",
        "consecutive_failures",
        "missed_runs",
    )
    list_filter = ("enabled", "job__kind", "olt")
    search_fields = ("job__name", "olt__name")
    list_select_related = ("job", "olt")
    date_hierarchy = "next_run_at"
    actions = ("run_selected_now",)

    @admin.action(description=_("Run the selected job hosts now"))
    def run_selected_now(self, request: HttpRequest, queryset: QuerySet[SnmpJobHost]) -> None:
        started = waiting = 0
        for host in queryset:
            if run_now(host) is None:
                waiting += 1
            else:
                started += 1
        self.message_user(
            request,
            _(
                "%(started)d started; %(waiting)d waiting for their OLT, their kind's capacity "
                "or the coordinator's next tick."
            )
            % {"started": started, "waiting": waiting},
            messages.SUCCESS,
        )


@admin.register(Execution)
class ExecutionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "olt",
        "job_name",
        "kind",
        "status",
        "attempt",
        "queue",
        "created_at",
        "started_at",
        "duration_seconds",
        "worker",
    )
    list_filter = ("status", "kind", "queue", "olt")
    search_fields = ("olt__name", "job_host__job__name", "error", "worker")
    list_select_related = ("olt", "job_host__job")
    date_hierarchy = "created_at"

    @admin.display(description=_("job"), ordering="job_host__job__name")
    def job_name(self, obj: Execution) -> str:
        return obj.job_host.job.name if obj.job_host_id else "–"
