"""Rows for coordinator tests, built directly through the ORM.

Every job runs the ``simulate`` runner; node parameters tune its duration and failures.
``make_fleet`` builds large fleets with bulk inserts, and ``RecordingExecutor`` keeps what is
dispatched instead of running it (the benchmarks use both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from oltflow.catalog.models import Brand, Oid, OltModel, TaskFunction, TaskTemplate
from oltflow.coordinator.claim import Claimed
from oltflow.coordinator.policy import effective_priority
from oltflow.inventory.models import Olt
from oltflow.jobs.models import SnmpJob, SnmpJobHost
from oltflow.workflows.models import OltWorkflow, WorkflowNode, WorkflowTemplate

#: 10:00:05 UTC: five seconds past a minute, so :00 and :10 grid points are near.
NOW = datetime(2026, 12, 3, 10, 0, 5, tzinfo=UTC)

FAST = {"duration_min": 0.0, "duration_max": 0.0}


class RecordingExecutor:
    """Keeps what it is given instead of running it."""

    def __init__(self) -> None:
        self.dispatched: list[Claimed] = []
        self.accepting = True

    def dispatch(self, claimed: Claimed) -> None:
        self.dispatched.append(claimed)

    def is_accepting(self) -> bool:
        return self.accepting

    def free_slots(self) -> None:
        return None


@dataclass(frozen=True)
class Catalog:
    brand: Brand
    model: OltModel
    template: WorkflowTemplate
    oids: dict[str, Oid]
    task_templates: dict[str, TaskTemplate]


def make_catalog(**task_template_fields: Any) -> Catalog:
    """One brand and model, an OID and a simulate task template per kind (idempotent)."""
    brand, _ = Brand.objects.get_or_create(name="Testbrand")
    model, _ = OltModel.objects.get_or_create(brand=brand, name="T1")
    template, _ = WorkflowTemplate.objects.get_or_create(name="Test workflow")
    oids, task_templates = {}, {}
    for number, kind in enumerate(("discovery", "get", "walk"), start=1):
        oids[kind], _ = Oid.objects.get_or_create(
            brand=brand,
            model=None,
            oid=f"1.3.6.1.4.1.99999.{number}",
            defaults={"name": f"test {kind}", "kind": kind, "target_field": f"{kind}_value"},
        )
        function, _ = TaskFunction.objects.get_or_create(
            name=f"simulate {kind}", defaults={"kind": kind, "runner": "simulate"}
        )
        task_templates[kind], _ = TaskTemplate.objects.update_or_create(
            name=f"simulate {kind}",
            defaults={"function": function, "is_default": True, **task_template_fields},
        )
    return Catalog(brand, model, template, oids, task_templates)


def make_olt(catalog: Catalog, name: str, **fields: Any) -> Olt:
    return Olt.objects.create(
        name=name,
        brand=catalog.brand,
        model=catalog.model,
        host=fields.pop("host", "192.0.2.1"),
        community=fields.pop("community", "public"),
        **fields,
    )


def make_job(
    catalog: Catalog,
    olt: Olt,
    name: str,
    kind: str = "get",
    *,
    next_run_at: datetime | None = NOW,
    interval_seconds: int = 60,
    priority: int | None = None,
    run_after: SnmpJobHost | None = None,
    parameters: dict[str, Any] | None = None,
    task_template: TaskTemplate | None = None,
    enabled: bool = True,
    **host_fields: Any,
) -> SnmpJobHost:
    """A node on ``olt`` compiled into its job and job host, due at ``next_run_at``."""
    workflow, _ = OltWorkflow.objects.get_or_create(olt=olt, template=None)
    task_template = task_template or catalog.task_templates[kind]
    node = WorkflowNode.objects.create(
        workflow=workflow,
        key=name.lower().replace(" ", "-"),
        name=name,
        oid=catalog.oids[kind],
        task_template=task_template,
        interval_seconds=interval_seconds,
        priority=priority,
        parameters=FAST if parameters is None else parameters,
        run_after=run_after.job.node if run_after else None,
    )
    job = SnmpJob.objects.create(
        node=node,
        name=name,
        kind=kind,
        task_template=task_template,
        interval_seconds=interval_seconds,
        priority=effective_priority(kind, priority),
        run_after=run_after.job if run_after else None,
        enabled=enabled,
    )
    return SnmpJobHost.objects.create(
        job=job, olt=olt, next_run_at=None if run_after else next_run_at, **host_fields
    )


def make_fleet(
    catalog: Catalog,
    olts: int,
    jobs_per_olt: int,
    *,
    next_run_at: datetime | None = NOW,
    interval_seconds: int = 60,
    parameters: dict[str, Any] | None = None,
    prefix: str = "olt",
) -> list[Olt]:
    """``olts`` OLTs with ``jobs_per_olt`` jobs each (a third discovery, the rest get),
    inserted in bulk: a handful of queries whatever the size."""
    made = Olt.objects.bulk_create(
        Olt(
            name=f"{prefix}-{number:05d}",
            brand=catalog.brand,
            model=catalog.model,
            host="192.0.2.1",
            community="public",
        )
        for number in range(olts)
    )
    workflows = OltWorkflow.objects.bulk_create(OltWorkflow(olt=olt) for olt in made)
    plan = [("discovery" if n % 3 == 0 else "get", n) for n in range(jobs_per_olt)]
    nodes = WorkflowNode.objects.bulk_create(
        WorkflowNode(
            workflow=workflow,
            key=f"{kind}-{n}",
            name=f"{kind} {n:02d}",
            oid=catalog.oids[kind],
            task_template=catalog.task_templates[kind],
            interval_seconds=interval_seconds,
            parameters=FAST if parameters is None else parameters,
        )
        for workflow in workflows
        for kind, n in plan
    )
    jobs = SnmpJob.objects.bulk_create(
        SnmpJob(
            node=node,
            name=node.name,
            kind=node.oid.kind,
            task_template=node.task_template,
            interval_seconds=interval_seconds,
            priority=effective_priority(node.oid.kind, None),
        )
        for node in nodes
    )
    SnmpJobHost.objects.bulk_create(
        SnmpJobHost(job=job, olt=node.workflow.olt, next_run_at=next_run_at)
        for job, node in zip(jobs, nodes, strict=True)
    )
    return made
