"""The running fleet: one port, many OLTs, steered between requests."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oltflow.simulator import mibs
from oltflow.simulator.cli import main
from oltflow.simulator.fleet import RunningFleet
from oltflow.snmp import SnmpClient, SnmpTimeoutError
from oltflow.snmp.index import (
    HUAWEI_GPON,
    ZTE_GPON_ZXAN,
    ZTE_GPON_ZXGPON,
    IndexLayout,
    OnuPosition,
)


def _positions(fleet: RunningFleet, name: str) -> list[OnuPosition]:
    return [OnuPosition(o.frame, o.slot, o.port, o.onu_id) for o in fleet.onus(name)]


def _walk_positions(
    fleet: RunningFleet, name: str, column: str, layout: IndexLayout
) -> list[OnuPosition]:
    with SnmpClient(fleet.target(name)) as client:
        rows = client.walk(column)
    return [layout.decode(oid[len(column) + 1 :]) for oid, _ in rows]


def test_every_olt_answers_on_one_port_under_its_community(snmp_simulator: RunningFleet) -> None:
    names = {}
    for olt in snmp_simulator.fleet.olts:
        if not olt.responsive:
            continue
        with SnmpClient(snmp_simulator.target(olt.name)) as client:
            names[olt.name] = client.get("1.3.6.1.2.1.1.5.0")

    assert names == {name: name.encode() for name in names}
    assert len(names) == len(snmp_simulator.fleet.olts) - 1


def test_huawei_discovery_walk_finds_every_onu(snmp_simulator: RunningFleet) -> None:
    walked = _walk_positions(snmp_simulator, "huawei-1", mibs.HW_ONT_CONTROL_ACTIVE, HUAWEI_GPON)

    assert walked == _positions(snmp_simulator, "huawei-1")


def test_zte_families_decode_to_the_same_onus(snmp_simulator: RunningFleet) -> None:
    zxgpon = _walk_positions(snmp_simulator, "zte-1", mibs.ZTE_ONU_SN, ZTE_GPON_ZXGPON)
    zxan = _walk_positions(snmp_simulator, "zte-1", mibs.ZTE_ZXAN_ONU_SN, ZTE_GPON_ZXAN)

    assert zxgpon == zxan == _positions(snmp_simulator, "zte-1")


def test_churn_changes_the_onus_between_walks(snmp_fleet: RunningFleet) -> None:
    column = mibs.HW_ONT_CONTROL_ACTIVE
    before = _walk_positions(snmp_fleet, "churn-1", column, HUAWEI_GPON)

    assert snmp_fleet.advance_churn("churn-1") == 1
    after = _walk_positions(snmp_fleet, "churn-1", column, HUAWEI_GPON)

    assert after == _positions(snmp_fleet, "churn-1")
    assert set(before) - set(after), "some ONUs disappeared"
    assert set(after) - set(before), "some ONUs appeared"
    snmp_fleet.set_epoch("churn-1", 0)
    assert _walk_positions(snmp_fleet, "churn-1", column, HUAWEI_GPON) == before


def test_a_delay_and_a_silence_apply_to_the_next_request(snmp_fleet: RunningFleet) -> None:
    target = snmp_fleet.target("huawei-1", timeout=2.0)

    snmp_fleet.set_delay("huawei-1", 0.3)
    with SnmpClient(target) as client:
        started = time.monotonic()
        client.get("1.3.6.1.2.1.1.5.0")
        assert time.monotonic() - started >= 0.3

    snmp_fleet.set_silent("huawei-1")
    with (
        pytest.raises(SnmpTimeoutError),
        SnmpClient(snmp_fleet.target("huawei-1", timeout=0.2, retries=0)) as client,
    ):
        client.get("1.3.6.1.2.1.1.5.0")

    snmp_fleet.reset()
    with SnmpClient(snmp_fleet.target("huawei-1")) as client:
        started = time.monotonic()
        assert client.get("1.3.6.1.2.1.1.5.0") == b"huawei-1"
        assert time.monotonic() - started < 0.3


def test_a_slow_olt_does_not_hold_up_the_others(snmp_fleet: RunningFleet) -> None:
    snmp_fleet.set_delay("slow-1", 1.0)
    slow = SnmpClient(snmp_fleet.target("slow-1", timeout=0.3, retries=0))
    with pytest.raises(SnmpTimeoutError), slow:
        slow.get("1.3.6.1.2.1.1.5.0")

    # The slow answer is still on its way; another OLT answers at once meanwhile.
    with SnmpClient(snmp_fleet.target("huawei-1")) as client:
        started = time.monotonic()
        client.get("1.3.6.1.2.1.1.5.0")
        assert time.monotonic() - started < 0.3


def test_describe_names_everything_a_demo_needs(snmp_simulator: RunningFleet) -> None:
    description = snmp_simulator.describe()

    assert description["port"] == snmp_simulator.port
    assert [olt["name"] for olt in description["olts"]] == list(snmp_simulator.communities)
    assert description["v3"] == {"user": "oltflow", "auth_protocol": "sha", "olt": "huawei-1"}
    assert json.loads(json.dumps(description)) == description


def test_steering_refuses_unknown_olts_and_epochs(snmp_fleet: RunningFleet) -> None:
    with pytest.raises(KeyError):
        snmp_fleet.set_delay("nope", 1)
    with pytest.raises(ValueError, match="no churn epochs"):
        snmp_fleet.advance_churn("huawei-1")
    with pytest.raises(ValueError, match="epoch 9"):
        snmp_fleet.set_epoch("churn-1", 9)


def test_the_command_starts_reports_and_stops_a_fleet() -> None:
    out = io.StringIO()

    status = main(
        [
            "--olts",
            "2",
            "--onus",
            "2",
            "--ports",
            "2",
            "--port",
            "0",
            "--duration",
            "0.2",
            "--silent",
            "1",
        ],
        out=out,
    )

    lines = out.getvalue().splitlines()
    assert status == 0
    assert lines[0] == "Starting 3 simulated OLTs"
    assert any(line.startswith("Serving 3 simulated OLTs on 127.0.0.1:") for line in lines)
    assert "  huawei-01: huawei, 4 ONUs, community 'huawei-01'" in lines
    assert "  zte-02: zte, 4 ONUs, community 'zte-02'" in lines
    assert "  silent-01: huawei, never answers, community 'silent-01'" in lines
    assert lines[-1] == "Stopped"


def test_the_command_refuses_impossible_sizes() -> None:
    out = io.StringIO()

    assert main(["--slots", "17"], out=out) == 2
    assert "slots 17 is outside 1..16" in out.getvalue()


_ORPHAN_SCRIPT = """
import os, sys
from oltflow.simulator.fleet import start_fleet
from oltflow.simulator.spec import Fleet, SimulatedOlt
fleet = start_fleet(Fleet(olts=(SimulatedOlt("orphan-1", ports_per_slot=1, onus_per_port=1),)))
sys.stdout.write(" ".join(str(process.pid) for process in fleet._processes) + chr(10))
sys.stdout.flush()
os._exit(0)
"""


def test_the_fleet_dies_with_the_process_that_started_it() -> None:
    # A test run killed with SIGKILL must not leave snmpsim and the relay behind.
    output = subprocess.run(
        [sys.executable, "-c", _ORPHAN_SCRIPT], capture_output=True, check=True, timeout=60
    ).stdout
    pids = [int(pid) for pid in output.split()]
    deadline = time.monotonic() + 10

    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert len(pids) == 2
    assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()]
