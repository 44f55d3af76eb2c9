"""Services of the jobs app.

Compiling: a WorkflowNode becomes one SnmpJob (its effective priority, interval, task template
and switch) and one SnmpJobHost (when it next runs on its OLT). The scheduler reads only these
rows, so every configuration change reaches it by recompiling the nodes it touches.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from oltflow.catalog.models import TaskTemplate
from oltflow.coordinator.policy import effective_priority, first_run_at
from oltflow.jobs.models import SnmpJob, SnmpJobHost
from oltflow.workflows.errors import WorkflowError
from oltflow.workflows.models import NodeFields, WorkflowNode

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledNode:
    """What compiling one node did: its job and host, and whether anything was written."""

    job: SnmpJob
    host: SnmpJobHost
    created: bool
    changed: bool


class TaskTemplateResolver:
    """Finds the task template of a node: its own, else the enabled default of the OID's kind.

    One resolver can serve many nodes; it remembers the defaults it has looked up.
    """

    def __init__(self) -> None:
        self._defaults: dict[str, TaskTemplate] = {}

    def resolve(self, node: NodeFields) -> TaskTemplate:
        """The task template ``node`` (a template node or an OLT node) runs with."""
        oid = node.oid
        if node.task_template_id:
            task_template = node.task_template
            if task_template.function.kind != oid.kind:
                raise WorkflowError(
                    _(
                        "Node %(key)r: task template %(template)r runs %(runs)s work, but OID "
                        "%(oid_name)r (%(oid)s) is a %(kind)s OID."
                    )
                    % {
                        "key": node.key,
                        "template": task_template.name,
                        "runs": task_template.function.kind,
                        "oid_name": oid.name,
                        "oid": oid.oid,
                        "kind": oid.kind,
                    }
                )
            return task_template
        if oid.kind not in self._defaults:
            self._defaults[oid.kind] = self._default_for(oid.kind, node)
        return self._defaults[oid.kind]

    @staticmethod
    def _default_for(kind: str, node: NodeFields) -> TaskTemplate:
        candidates = list(
            TaskTemplate.objects.select_related("function").filter(
                is_default=True, enabled=True, function__kind=kind
            )
        )
        oid = node.oid
        if not candidates:
            raise WorkflowError(
                _(
                    "No enabled default task template for %(kind)s OIDs: OID %(oid_name)r "
                    "(%(oid)s) of node %(key)r needs one. Mark a %(kind)s task template as the "
                    "default, or give the node its own task template."
                )
                % {"kind": kind, "oid_name": oid.name, "oid": oid.oid, "key": node.key}
            )
        if len(candidates) > 1:
            names = ", ".join(repr(t.name) for t in candidates)
            raise WorkflowError(
                _(
                    "More than one enabled default task template for %(kind)s OIDs (%(names)s); "
                    "keep one default per kind."
                )
                % {"kind": kind, "names": names}
            )
        return candidates[0]


def node_enabled(node: WorkflowNode) -> bool:
    """A node runs only when it, its workflow, its template (if any) and its OLT are enabled."""
    workflow = node.workflow
    template = workflow.template
    return (
        node.enabled
        and workflow.enabled
        and workflow.olt.enabled
        and (template is None or template.enabled)
    )


def compile_node(
    node: WorkflowNode,
    *,
    now: datetime,
    resolver: TaskTemplateResolver | None = None,
    fresh: bool = False,
) -> CompiledNode:
    """Create or update the SnmpJob and SnmpJobHost of ``node``; write only what changed.

    A new host gets its first run on the kind's grid (``first_run_at``); a chained node
    (``run_after`` set) gets none, the coordinator makes it due when its master finishes. An
    interval or kind change moves ``next_run_at`` to the new grid, so does leaving a chain, and
    so does re-enabling a host whose next run lies in the past (time that passed while it was
    off is not counted as missed). Compiling an unchanged node writes nothing.

    ``fresh`` says the node was just created and has no job yet, which saves two queries per
    node when a template is applied to many OLTs.

    Raises WorkflowError when no task template fits the node, or when its master node has no
    job yet (compile masters first).
    """
    resolver = resolver or TaskTemplateResolver()
    olt = node.workflow.olt
    kind = node.oid.kind
    task_template = resolver.resolve(node)
    master_job = None
    if node.run_after_id:
        master_job = SnmpJob.objects.filter(node_id=node.run_after_id).first()
        if master_job is None:
            raise WorkflowError(
                _("Node %(key)r on OLT %(olt)r runs after node %(master)r, which has no job yet.")
                % {"key": node.key, "olt": olt.name, "master": node.run_after.key}
            )
    enabled = node_enabled(node) and task_template.enabled
    wanted = {
        "name": node.name,
        "kind": kind,
        "task_template_id": task_template.pk,
        "interval_seconds": node.interval_seconds,
        "priority": effective_priority(kind, node.priority),
        "run_after_id": master_job.pk if master_job else None,
        "enabled": enabled,
    }

    # No savepoint inside a caller's transaction: compiling many nodes stays cheap.
    with transaction.atomic(savepoint=False):
        # The job: one per node.
        job = None if fresh else _locked_job(node)
        job_created = job is None
        if job is None:
            job = SnmpJob.objects.create(node=node, **wanted)
            old_interval = old_kind = None
            job_changed = True
        else:
            old_interval, old_kind = job.interval_seconds, job.kind
            job_changed = _assign(job, wanted)

        # The host: one per job, on the node's OLT.
        host = None if job_created else _locked_host(job, olt.pk)
        host_created = host is None
        offset = settings.OLTFLOW["OFFSETS"].get(kind, 0)
        if host is None:
            next_run_at = None if master_job else first_run_at(now, node.interval_seconds, offset)
            host = SnmpJobHost.objects.create(
                job=job, olt=olt, enabled=enabled, next_run_at=next_run_at
            )
            host_changed = True
        else:
            host_changed = _assign(
                host,
                {
                    "enabled": enabled,
                    "next_run_at": _next_run_at(
                        host,
                        chained=master_job is not None,
                        regrid=old_interval != node.interval_seconds or old_kind != kind,
                        enabled=enabled,
                        now=now,
                        interval=node.interval_seconds,
                        offset=offset,
                    ),
                },
            )

    if job_created or host_created:
        logger.debug(
            "Compiled node %s (%s) on OLT %s into job %s, next run %s",
            node.pk,
            node.key,
            olt.pk,
            job.pk,
            host.next_run_at,
        )
    elif job_changed or host_changed:
        logger.debug(
            "Recompiled node %s (%s) on OLT %s: job %s, enabled %s, next run %s",
            node.pk,
            node.key,
            olt.pk,
            job.pk,
            host.enabled,
            host.next_run_at,
        )
    return CompiledNode(
        job=job,
        host=host,
        created=job_created or host_created,
        changed=job_created or host_created or job_changed or host_changed,
    )


def _locked_job(node: WorkflowNode) -> SnmpJob | None:
    return SnmpJob.objects.select_for_update().filter(node=node).first()


def _locked_host(job: SnmpJob, olt_id: int) -> SnmpJobHost | None:
    """The job's host on ``olt_id``, locked; hosts elsewhere (none in practice: a node never
    changes OLT) are removed."""
    hosts = list(SnmpJobHost.objects.select_for_update().filter(job=job))
    stray = [host.pk for host in hosts if host.olt_id != olt_id]
    if stray:
        SnmpJobHost.objects.filter(pk__in=stray).delete()
    return next((host for host in hosts if host.olt_id == olt_id), None)


def _next_run_at(
    host: SnmpJobHost,
    *,
    chained: bool,
    regrid: bool,
    enabled: bool,
    now: datetime,
    interval: int,
    offset: int,
) -> datetime | None:
    # CHAINED: waits for its master, unless the master already made it due.
    if chained:
        return host.next_run_at if host.next_run_at and host.next_run_at <= now else None
    # LEFT A CHAIN, OR NEW INTERVAL OR KIND: start again on the new grid.
    if host.next_run_at is None or regrid:
        return first_run_at(now, interval, offset)
    # RE-ENABLED WITH A STALE DATE: the time it was off is not a missed run.
    if enabled and not host.enabled and host.next_run_at < now:
        return first_run_at(now, interval, offset)
    return host.next_run_at


def _assign(obj: SnmpJob | SnmpJobHost, values: dict[str, object]) -> bool:
    """Set the fields that differ and save only those; return whether anything was saved."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)
