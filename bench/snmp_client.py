"""Client cost of oltflow's SNMP layer against Net-SNMP's command-line tools.

Starts a private Net-SNMP ``snmpd`` in the foreground on 127.0.0.1 (a free high port) serving
16,000 static objects (four 4,000-row ONU columns as ``override`` lines), then, against that
same agent in the same run:

* walks one 4,000-row column with oltflow (GETBULK, max-repetitions 50) and with
  ``snmpbulkwalk -Cr50``;
* GETs 4,000 single OIDs with oltflow (``get_many``, 50 OIDs per PDU) and with ``snmpget``
  (80 runs of 50 OIDs, one PDU each).

It reports wall and client CPU seconds (medians of several rounds; oltflow's CPU from
``time.process_time``, the tools' from ``getrusage(RUSAGE_CHILDREN)``), the agent's CPU
(mean, from /proc) and the CPU ratios. It exits with status 1 when oltflow's walk costs more
client CPU than ``snmpbulkwalk``'s.

Usage: ``.venv/bin/python bench/snmp_client.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

try:
    import oltflow  # noqa: F401
except ImportError:  # a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from oltflow.simulator import mibs
from oltflow.simulator.netsnmp import NetSnmpAgent, override_line
from oltflow.snmp import SnmpClient
from oltflow.snmp.index import HUAWEI_GPON, OnuPosition

ROWS = 4000
REPETITIONS = 50
VARBINDS = 50
COLUMN = mibs.HW_ONT_RX_POWER


def onu_indexes() -> list[str]:
    """4,000 Huawei ONU row indexes: 2 boards x 16 ports x 125 ONTs."""
    return [
        HUAWEI_GPON.encode(OnuPosition(0, slot, port, onu))
        for slot in (1, 2)
        for port in range(16)
        for onu in range(125)
    ]


def overrides(indexes: list[str]) -> list[str]:
    lines = []
    for number, index in enumerate(indexes):
        lines.append(
            override_line(f"{mibs.HW_ONT_DESCRIPTION}.{index}", "octet_str", f"CUST-{number:06d}")
        )
        lines.append(override_line(f"{mibs.HW_ONT_RUN_STATUS}.{index}", "integer", 1))
        lines.append(override_line(f"{COLUMN}.{index}", "integer", -1500 - number % 1200))
        lines.append(
            override_line(f"{mibs.HW_OLT_RX_ONT_POWER}.{index}", "integer", 8000 - number % 900)
        )
    return lines


def agent_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Measure:
    """Runs one operation several times; keeps wall, client CPU and agent CPU medians."""

    def __init__(self, agent_pid: int) -> None:
        self.agent_pid = agent_pid

    def run(self, operation: Callable[[], int], rounds: int, children: bool) -> dict[str, float]:
        walls, cpus, counts = [], [], []
        agent_before = agent_cpu(self.agent_pid)
        for _ in range(rounds):
            cpu_before = children_cpu() if children else time.process_time()
            started = time.perf_counter()
            counts.append(operation())
            walls.append(time.perf_counter() - started)
            cpus.append((children_cpu() if children else time.process_time()) - cpu_before)
        # /proc counts in clock ticks (10 ms): the agent's figure is a mean over all rounds.
        agent = (agent_cpu(self.agent_pid) - agent_before) / rounds
        if len(set(counts)) != 1 or counts[0] != ROWS:
            raise SystemExit(f"expected {ROWS} values every round, got {counts}")
        return {
            "wall": statistics.median(walls),
            "cpu": statistics.median(cpus),
            "agent": agent,
        }


def tool_env(workdir: Path) -> dict[str, str]:
    # No MIB loading: numeric OIDs only, as oltflow uses them.
    return {"PATH": "/usr/bin:/bin", "MIBS": "", "MIBDIRS": str(workdir), "HOME": str(workdir)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per measurement (median)")
    args = parser.parse_args(argv)

    indexes = onu_indexes()
    oids = [f"{COLUMN}.{index}" for index in indexes]
    started = time.perf_counter()
    with (
        NetSnmpAgent(overrides=overrides(indexes), start_timeout=100) as agent,
        tempfile.TemporaryDirectory() as scratch,
    ):
        assert agent.pid is not None
        print(
            f"snmpd on {agent.host}:{agent.port} serving {4 * ROWS} static objects, "
            f"up in {time.perf_counter() - started:.1f} s"
        )
        address = f"{agent.host}:{agent.port}"
        env = tool_env(Path(scratch))
        measure = Measure(agent.pid)
        target = agent.target(max_repetitions=REPETITIONS, max_varbinds=VARBINDS, timeout=5.0)

        def oltflow_walk() -> int:
            with SnmpClient(target) as client:
                return len(client.walk(COLUMN))

        def net_snmp_walk() -> int:
            output = subprocess.run(
                [
                    "snmpbulkwalk",
                    "-v2c",
                    "-c",
                    agent.community,
                    f"-Cr{REPETITIONS}",
                    "-On",
                    "-Oq",
                    address,
                    "." + COLUMN,
                ],
                capture_output=True,
                check=True,
                env=env,
            ).stdout
            return output.count(b"\n")

        def oltflow_get() -> int:
            with SnmpClient(target) as client:
                return len(client.get_many(oids).values)

        def net_snmp_get() -> int:
            count = 0
            for start in range(0, len(oids), VARBINDS):
                output = subprocess.run(
                    ["snmpget", "-v2c", "-c", agent.community, "-On", "-Oq", address]
                    + ["." + oid for oid in oids[start : start + VARBINDS]],
                    capture_output=True,
                    check=True,
                    env=env,
                ).stdout
                count += output.count(b"\n")
            return count

        # Warm up both sides (snmpd's first pass over its tables, Python imports).
        oltflow_walk()
        net_snmp_walk()

        results = {
            "walk-oltflow": measure.run(oltflow_walk, args.rounds, children=False),
            "walk-netsnmp": measure.run(net_snmp_walk, args.rounds, children=True),
            "get-oltflow": measure.run(oltflow_get, args.rounds, children=False),
            "get-netsnmp": measure.run(net_snmp_get, args.rounds, children=True),
        }

    labels = {
        "walk-oltflow": f"walk {ROWS} rows   oltflow (GETBULK x{REPETITIONS})",
        "walk-netsnmp": f"walk {ROWS} rows   snmpbulkwalk -Cr{REPETITIONS}",
        "get-oltflow": f"GET {ROWS} OIDs    oltflow get_many ({VARBINDS}/PDU)",
        "get-netsnmp": f"GET {ROWS} OIDs    snmpget, {ROWS // VARBINDS} runs x {VARBINDS}",
    }
    print(f"medians of {args.rounds} rounds (agent CPU: mean)")
    print(f"{'':46}{'wall s':>9}{'client CPU s':>14}{'agent CPU s':>13}")
    for key, label in labels.items():
        row = results[key]
        print(f"{label:46}{row['wall']:9.3f}{row['cpu']:14.4f}{row['agent']:13.3f}")
    walk_ratio = results["walk-oltflow"]["cpu"] / results["walk-netsnmp"]["cpu"]
    get_ratio = results["get-oltflow"]["cpu"] / results["get-netsnmp"]["cpu"]
    print(f"client CPU ratio oltflow / snmpbulkwalk (walk): {walk_ratio:.2f}")
    print(f"client CPU ratio oltflow / snmpget (GET):       {get_ratio:.3f}")
    print(f"total run time {time.perf_counter() - started:.1f} s")
    if walk_ratio > 1.0:
        print("FAIL: oltflow's walk costs more client CPU than snmpbulkwalk's")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
