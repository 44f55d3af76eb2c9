"""The built-in workflow templates, end to end against the simulator.

One simulated Huawei and one simulated ZTE OLT get their vendor's default template; every job
host then runs through the coordinator's run-now path (``run_now`` -> ``claim_due`` ->
dispatch after commit -> ``execute`` -> the registered runner), discovery first. Everything
the runners store is compared with what the simulator generated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from oltflow.catalog.models import Brand, Oid, OltModel
from oltflow.coordinator.claim import Claimed
from oltflow.coordinator.execute import execute
from oltflow.coordinator.services import run_now
from oltflow.inventory.models import Olt, Onu, OnuValue
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.simulator.fleet import RunningFleet
from oltflow.simulator.population import SimOnu
from oltflow.simulator.spec import Fleet, SimulatedOlt
from oltflow.snmp.index import HUAWEI_GPON, ZTE_GPON_ZXGPON, IndexLayout, OnuPosition
from oltflow.workflows.models import WorkflowTemplate
from oltflow.workflows.services import apply_template

pytestmark = pytest.mark.django_db

#: 32 ONUs each. The seeds give both OLTs offline ONUs and online ONUs whose optics do not
#: report, and the ZTE OLT offline ONUs after LOS and after other causes, so that every
#: "no reading" sentinel of both templates is met.
TEMPLATE_FLEET = Fleet(
    olts=(
        SimulatedOlt("tpl-hw", vendor="huawei", slots=1, ports_per_slot=4, onus_per_port=8, seed=3),
        SimulatedOlt("tpl-zte", vendor="zte", slots=2, ports_per_slot=2, onus_per_port=8, seed=6),
    ),
    v3_user=None,
)


@dataclass(frozen=True)
class Vendor:
    """How a vendor's built-in template is set up and what its values must look like."""

    brand: str
    model: str
    template: str
    layout: IndexLayout
    #: Largest difference between a stored optical level and the generated one, in dB.
    optical_step: float
    run_status: Callable[[SimOnu], str]
    distance: Callable[[SimOnu], str | None]


def _zte_phase(onu: SimOnu) -> str:
    if onu.online:
        return "online"
    return {2: "LOS", 3: "LOS", 9: "dying gasp"}.get(onu.last_down_cause, "offline")


VENDORS = {
    "tpl-hw": Vendor(
        brand="Huawei",
        model="MA5800",
        template="Huawei GPON",
        layout=HUAWEI_GPON,
        optical_step=0.005,
        run_status=lambda onu: "online" if onu.online else "offline",
        distance=lambda onu: None if onu.distance_m is None else f"{onu.distance_m} m",
    ),
    "tpl-zte": Vendor(
        brand="ZTE",
        model="C320",
        template="ZTE GPON",
        layout=ZTE_GPON_ZXGPON,
        optical_step=0.002,
        run_status=_zte_phase,
        distance=lambda onu: f"{onu.distance_m or 0} m",
    ),
}

OPTICAL = {"rx_power": "rx_dbm", "tx_power": "tx_dbm", "olt_rx_power": "olt_rx_dbm"}


@dataclass
class RecordingExecutor:
    """Takes what the coordinator dispatches; the test runs it. Hands no OLT over."""

    dispatched: list[Claimed] = field(default_factory=list)

    def dispatch(self, claimed: Claimed) -> None:
        self.dispatched.append(claimed)

    def is_accepting(self) -> bool:
        return False

    def free_slots(self) -> Mapping[str, int] | None:
        return None


@pytest.fixture(scope="module")
def template_fleet(snmp_fleet_factory: Callable[[Fleet], RunningFleet]) -> RunningFleet:
    return snmp_fleet_factory(TEMPLATE_FLEET)


def _register(fleet: RunningFleet, name: str) -> Olt:
    """The OLT row of simulated OLT ``name``, with its vendor's default template applied."""
    vendor = VENDORS[name]
    brand = Brand.objects.get(name=vendor.brand)
    olt = Olt(
        name=name,
        brand=brand,
        model=OltModel.objects.get(brand=brand, name=vendor.model),
        host=fleet.host,
        snmp_port=fleet.port,
        snmp_version="v2c",
        community=fleet.communities[name],
        timeout_seconds=2.0,
        retries=1,
    )
    olt.full_clean()
    olt.save()
    apply_template(WorkflowTemplate.objects.get(name=vendor.template), [olt])
    return olt


def _run(host: SnmpJobHost, executor: RecordingExecutor, capture: Any) -> Execution:
    """Run ``host`` now through the coordinator and return its ended execution."""
    with capture(execute=True):
        claimed = run_now(host, executor=executor)
    assert claimed is not None, f"job host {host.job.node.key} was not claimed"
    assert executor.dispatched[-1] == claimed, "dispatched once the claim committed"
    execution = execute(claimed.execution_id, "pytest", executor=executor)
    assert execution is not None
    execution.refresh_from_db()
    return execution


def _run_template(
    olt: Olt, capture: Any, only: tuple[str, ...] | None = None
) -> dict[str, Execution]:
    """Run every job host of ``olt`` (or those of the nodes ``only``), discovery first;
    return the ended executions by node key."""
    hosts = SnmpJobHost.objects.filter(olt=olt).select_related("job__node")
    if only is not None:
        hosts = hosts.filter(job__node__key__in=only)
    ordered = sorted(hosts, key=lambda h: (not h.job.node.key.startswith("discovery."), h.pk))
    executor = RecordingExecutor()
    return {host.job.node.key: _run(host, executor, capture) for host in ordered}


def _values(olt: Olt, field_name: str) -> dict[str, OnuValue]:
    rows = OnuValue.objects.filter(onu__olt=olt, field=field_name).select_related("onu")
    return {row.onu.raw_index: row for row in rows}


@pytest.mark.parametrize("name", ["tpl-hw", "tpl-zte"])
def test_the_default_template_polls_every_node_without_errors(
    catalog, template_fleet, django_capture_on_commit_callbacks, name
):
    # Given an OLT of the simulator with its vendor's built-in template
    vendor = VENDORS[name]
    olt = _register(template_fleet, name)
    truth = {
        vendor.layout.encode(OnuPosition(o.frame, o.slot, o.port, o.onu_id)): o
        for o in template_fleet.onus(name)
    }

    # When every job host runs once through the coordinator, discovery first
    executions = _run_template(olt, django_capture_on_commit_callbacks)

    # Then every execution succeeds, with no per-ONU error and nothing missing
    assert len(executions) == 10
    for key, execution in executions.items():
        assert execution.status == ExecutionStatus.SUCCESS, (key, execution.error)
        assert execution.summary["errors"] == 0, (key, execution.summary)
    discovery = executions.pop("discovery.onus").summary
    assert (discovery["onus"], discovery["new"]) == (len(truth), len(truth))
    for key, execution in executions.items():
        summary = execution.summary
        assert (summary["onus"], summary["written"], summary["missing"]) == (
            len(truth),
            len(truth),
            0,
        ), key

    # And the ONUs sit where the simulator put them
    stored = {
        onu.raw_index: (onu.frame, onu.slot, onu.port, onu.onu_id)
        for onu in Onu.objects.filter(olt=olt)
    }
    assert stored == {index: (o.frame, o.slot, o.port, o.onu_id) for index, o in truth.items()}

    # And the inventory values are the generated ones
    checks: dict[str, Callable[[SimOnu], str]] = {
        "serial": lambda onu: onu.serial_text,
        "description": lambda onu: onu.description,
        "onu_model": lambda onu: onu.model,
        "run_status": vendor.run_status,
    }
    for field_name, expected in checks.items():
        values = _values(olt, field_name)
        assert {index: values[index].text for index in truth} == {
            index: expected(onu) for index, onu in truth.items()
        }, field_name
    distance = _values(olt, "distance")
    for index, onu in truth.items():
        expected = vendor.distance(onu)
        assert distance[index].no_reading == (expected is None)
        assert distance[index].text == (expected or "")

    # And the last down cause reads as the catalog names the vendor's code
    causes = Oid.objects.get(brand__name=vendor.brand, target_field="last_down_cause")
    names = causes.transform_params["map"]
    stored_causes = _values(olt, "last_down_cause")
    for index, onu in truth.items():
        assert stored_causes[index].text == names[str(onu.last_down_cause)]
        assert stored_causes[index].number == onu.last_down_cause

    # And optical levels are in dBm, within a receiver's range, or flagged "no reading"
    for field_name, attribute in OPTICAL.items():
        values = _values(olt, field_name)
        no_reading = 0
        for index, onu in truth.items():
            value, generated = values[index], getattr(onu, attribute)
            if generated is None:
                assert value.no_reading and value.number is None, (field_name, index)
                no_reading += 1
                continue
            assert not value.no_reading and value.error == "", (field_name, index)
            assert value.text.endswith(" dBm"), value.text
            assert -40 <= value.number <= 10, (field_name, value.text)
            assert value.number == pytest.approx(generated, abs=vendor.optical_step)
        assert (
            executions[f"optical.{field_name.removesuffix('_power')}"].summary["no_reading"]
            == no_reading
        )
        assert 0 < no_reading < len(truth) / 4, field_name


def test_the_zte_olt_side_level_uses_both_sentinels_of_the_mib(
    catalog, template_fleet, django_capture_on_commit_callbacks
):
    # Given the ZTE OLT, with offline ONUs after LOS (the simulator answers -80000, "no
    # signal") and after other causes (65535000, "N/A"), and an online ONU without a reading
    truth = template_fleet.onus("tpl-zte")
    offline = [onu for onu in truth if not onu.online]
    assert {onu.last_down_cause in (2, 3) for onu in offline} == {True, False}
    assert any(onu.online and onu.olt_rx_dbm is None for onu in truth)
    olt = _register(template_fleet, "tpl-zte")

    # When discovery and the OLT RX power node run
    only = ("discovery.onus", "optical.olt_rx")
    executions = _run_template(olt, django_capture_on_commit_callbacks, only=only)

    # Then each of them is "no reading", and the rest are levels in dBm
    assert {e.status for e in executions.values()} == {ExecutionStatus.SUCCESS}
    values = _values(olt, "olt_rx_power").values()
    assert sum(value.no_reading for value in values) == len(offline) + 1
    assert all(value.text.endswith(" dBm") for value in values if not value.no_reading)
