"""Builders of the polling tests: OLTs on the simulator, nodes, claimed executions.

Rows are built through the real services (``apply_template``, ``save_workflow_node``) and
executions are claimed by the coordinator's ``claim_due``, as run-now does; runners then talk
to snmpsim on loopback.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from oltflow.catalog.models import Brand, Oid, OltModel
from oltflow.coordinator.claim import Claimed, claim_due
from oltflow.coordinator.execute import execute
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.polling.registry import Runner
from oltflow.simulator.fleet import RunningFleet
from oltflow.simulator.spec import Fleet, SimulatedOlt
from oltflow.snmp.index import HUAWEI_GPON
from oltflow.workflows.models import OltWorkflow, WorkflowNode, WorkflowTemplate
from oltflow.workflows.services import apply_template, save_workflow_node

#: Test objects the ``odd-1`` OLT serves beside its four ONUs (ONT ids 0..3 on 0/1/0).
ODD_SUBTREE = "1.3.6.1.4.1.99999.7"
#: A column for ONTs 0..2 only: 1234 (fine), "abc" (malformed), 2147483647 (no reading).
ODD_VALUES = f"{ODD_SUBTREE}.1"
#: A discovery column with one good index and three that do not decode.
ODD_LISTING = f"{ODD_SUBTREE}.2"
ODD_BAD_INDEXES = ("1.1", "4194312192.200", "4194312193.2")
#: A table indexed ``<ifIndex>.<ONT id>.<ANI>`` with ANI 1 and 2 for every ONT.
ODD_SUBROWS = f"{ODD_SUBTREE}.3"

#: The PON port of ``odd-1``: Huawei frame 0, slot 1, port 0.
ODD_PORT = HUAWEI_GPON.encode_ifindex(0, 1, 0)


def _odd_records() -> tuple[tuple[str, str, str], ...]:
    records = [
        (f"{ODD_VALUES}.{ODD_PORT}.0", "2", "1234"),
        (f"{ODD_VALUES}.{ODD_PORT}.1", "4", "abc"),
        (f"{ODD_VALUES}.{ODD_PORT}.2", "2", "2147483647"),
        (f"{ODD_LISTING}.{ODD_PORT}.1", "2", "1"),
    ]
    records += [(f"{ODD_LISTING}.{index}", "2", "1") for index in ODD_BAD_INDEXES]
    for onu_id in range(4):
        for ani in (1, 2):
            records.append((f"{ODD_SUBROWS}.{ODD_PORT}.{onu_id}.{ani}", "2", str(ani * 100)))
    return tuple(records)


#: The fleet behind ``polling_fleet``: OLTs of 50 and 500 ONUs, and one with odd objects.
POLLING_FLEET = Fleet(
    olts=(
        SimulatedOlt("q50", slots=1, ports_per_slot=2, onus_per_port=25, seed=11),
        SimulatedOlt("q500", slots=2, ports_per_slot=10, onus_per_port=25, seed=12),
        SimulatedOlt(
            "odd-1", ports_per_slot=1, onus_per_port=4, seed=13, extra_records=_odd_records()
        ),
    ),
    v3_user=None,
)


class NoHandOver:
    """An executor that takes nothing: ``execute`` then hands no OLT over."""

    def dispatch(self, claimed: Claimed) -> None:  # pragma: no cover - never called
        raise AssertionError("nothing should be dispatched")

    def is_accepting(self) -> bool:
        return False


def make_olt(
    fleet: RunningFleet,
    name: str,
    *,
    version: str = "v2c",
    olt_name: str | None = None,
    **fields: Any,
) -> Olt:
    """An OLT row for simulated OLT ``name``, with the built-in workflow of its vendor applied."""
    vendor = fleet.fleet.olt(name).vendor
    brand = Brand.objects.get(name="Huawei" if vendor == "huawei" else "ZTE")
    model = OltModel.objects.get(brand=brand, name="MA5800" if vendor == "huawei" else "C320")
    settings: dict[str, Any] = {
        "host": fleet.host,
        "snmp_port": fleet.port,
        "snmp_version": version,
        "community": name,
        "timeout_seconds": 1.0,
        "retries": 1,
        "max_varbinds": 50,
    }
    if version == "v3":
        user = fleet.fleet.v3_user
        assert user is not None and fleet.fleet.v3_olt_name == name
        settings.update(
            community="",
            v3_user=user.name,
            v3_auth_protocol=user.auth_protocol,
            v3_auth_key=user.auth_key,
        )
    settings.update(fields)
    olt = Olt(name=olt_name or f"{name}-{version}", brand=brand, model=model, **settings)
    olt.full_clean()
    olt.save()
    template = WorkflowTemplate.objects.get(
        name="Huawei GPON" if vendor == "huawei" else "ZTE GPON"
    )
    apply_template(template, [olt])
    return olt


def job_host(olt: Olt, key: str) -> SnmpJobHost:
    """The job host of node ``key`` on ``olt``."""
    return SnmpJobHost.objects.select_related("job__node").get(olt=olt, job__node__key=key)


def set_parameters(olt: Olt, key: str, **parameters: Any) -> None:
    """Give node ``key`` of ``olt`` its own parameters, through the workflow service."""
    node = WorkflowNode.objects.get(workflow__olt=olt, key=key)
    node.parameters = {**node.parameters, **parameters}
    node.override_parameters = True
    save_workflow_node(node)


def add_node(olt: Olt, key: str, oid: Oid, **parameters: Any) -> SnmpJobHost:
    """A custom node polling ``oid`` on ``olt``, compiled by the workflow service."""
    workflow, _ = OltWorkflow.objects.get_or_create(olt=olt, template=None)
    node = WorkflowNode(
        workflow=workflow, key=key, name=key, oid=oid, interval_seconds=300, parameters=parameters
    )
    save_workflow_node(node)
    return job_host(olt, key)


def _claim(host: SnmpJobHost) -> int:
    """Claim ``host`` as run-now does (``claim_due``); return its execution's id."""
    now = timezone.now()
    SnmpJobHost.objects.filter(pk=host.pk).update(run_requested_at=now)
    claimed = [
        item for item in claim_due(now, olt_ids=[host.olt_id]) if item.job_host_id == host.pk
    ]
    assert claimed, f"job host {host.pk} was not claimed"
    return claimed[0].execution_id


def claim(host: SnmpJobHost) -> Execution:
    """Claim and start an execution of ``host``, loaded as ``execute`` loads it."""
    execution = Execution.objects.select_related(
        "olt", "job_host__job__node", "job_host__job__task_template__function"
    ).get(pk=_claim(host))
    assert execution.start("pytest", timezone.now())
    return execution


def call_runner(host: SnmpJobHost, runner: Runner) -> dict[str, Any]:
    """Call ``runner`` on a claimed execution of ``host``; the execution is ended afterwards,
    so the OLT is free for the next one."""
    execution = claim(host)
    status = ExecutionStatus.FAILED
    try:
        summary = runner(execution)
        status = ExecutionStatus.SUCCESS
        return summary
    finally:
        execution.finish(status, timezone.now())


def run_job(host: SnmpJobHost) -> Execution:
    """Claim ``host`` and run it through the coordinator's ``execute``; return the ended row."""
    execution = execute(_claim(host), "pytest", executor=NoHandOver())
    assert execution is not None
    execution.refresh_from_db()
    return execution
