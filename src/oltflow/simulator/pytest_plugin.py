"""Pytest fixtures with simulated OLTs and a Net-SNMP agent on loopback.

Register with ``pytest_plugins = ["oltflow.simulator.pytest_plugin"]``. Fixtures:

``snmp_simulator`` (session)
    A ``RunningFleet`` of ``TEST_FLEET``, started once per test session (about 2 s).
``snmp_fleet`` (function)
    The same running fleet, put back to its spec (epochs, delays, silences) after the test;
    use it in tests that steer the fleet.
``snmp_fleet_factory`` (session)
    ``start(fleet: Fleet) -> RunningFleet`` for tests that need other OLTs; every fleet it
    started is stopped at the end of the session.
``netsnmp_agent`` (session)
    A ``NetSnmpAgent`` (Net-SNMP snmpd) with the SNMPv3 users of ``NETSNMP_USERS``, for what
    snmpsim cannot do (SNMPv3 privacy). Skipped when ``snmpd`` is not installed, failed under
    ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest

from oltflow.simulator.fleet import RunningFleet, start_fleet
from oltflow.simulator.netsnmp import NetSnmpAgent, NetSnmpUser
from oltflow.simulator.spec import Fleet, SimulatedOlt

#: An OID subtree the ``lab`` OLT fills with test objects, in this order.
LAB_SUBTREE = "1.3.6.1.4.1.99999"
#: ``lab``: 50 values of 1,400 bytes. A GET of three overflows gufo-snmp's 4080-byte receive
#: buffer; the answer to a GET of all 50 is larger than a UDP datagram, so snmpsim sends
#: nothing and the request times out.
LAB_BIG_COLUMN = f"{LAB_SUBTREE}.1.1"
#: ``lab``: 200 values of 100 bytes (a GETBULK of 40 of them overflows the buffer).
LAB_WIDE_COLUMN = f"{LAB_SUBTREE}.2.1"
#: ``lab``: integers 1..8; the agent never answers a request that touches row 5 (snmpsim's
#: ``delay`` variation drops answers that would wait longer than 99999 ms): one bad ONU.
#: 64 filler rows before it keep GETBULKs of the columns above from running into it.
LAB_TRAP_COLUMN = f"{LAB_SUBTREE}.4.1"
LAB_TRAP_ROW = 5
#: ``lab``: one value of each SNMP type oltflow meets (IpAddress, Counter64, Gauge32,
#: OBJECT IDENTIFIER, TimeTicks, Counter32, Opaque, an empty OCTET STRING).
LAB_TYPES_COLUMN = f"{LAB_SUBTREE}.5.1"

_LAB_RECORDS = tuple(
    [(f"{LAB_BIG_COLUMN}.{row}", "4", f"{row:04d}" + "x" * 1396) for row in range(1, 51)]
    + [(f"{LAB_WIDE_COLUMN}.{row}", "4", f"{row:04d}" + "w" * 96) for row in range(1, 201)]
    + [(f"{LAB_SUBTREE}.3.1.{row}", "2", "0") for row in range(1, 65)]
    + [
        (f"{LAB_TRAP_COLUMN}.{row}", "2", str(row))
        if row != LAB_TRAP_ROW
        else (f"{LAB_TRAP_COLUMN}.{row}", "2:delay", f"value={row},wait=100000")
        for row in range(1, 9)
    ]
    + [
        (f"{LAB_TYPES_COLUMN}.1", "64", "10.1.2.3"),
        (f"{LAB_TYPES_COLUMN}.2", "70", str(2**64 - 1)),
        (f"{LAB_TYPES_COLUMN}.3", "66", str(2**32 - 1)),
        (f"{LAB_TYPES_COLUMN}.4", "6", "1.3.6.1.4.1.2011"),
        (f"{LAB_TYPES_COLUMN}.5", "67", "12345"),
        (f"{LAB_TYPES_COLUMN}.6", "65", "7"),
        (f"{LAB_TYPES_COLUMN}.7", "68", "0102"),
        (f"{LAB_TYPES_COLUMN}.8", "4x", ""),
    ]
)

#: The fleet behind ``snmp_simulator``: small, and one OLT per behaviour worth testing.
TEST_FLEET = Fleet(
    olts=(
        SimulatedOlt("huawei-1", vendor="huawei", slots=2, ports_per_slot=4, onus_per_port=8),
        SimulatedOlt("zte-1", vendor="zte", slots=1, ports_per_slot=4, onus_per_port=4, seed=2),
        SimulatedOlt(
            "churn-1", ports_per_slot=2, onus_per_port=16, churn_epochs=3, churn_rate=0.2, seed=3
        ),
        SimulatedOlt("slow-1", ports_per_slot=1, onus_per_port=4, delay_s=0.4, seed=4),
        SimulatedOlt("silent-1", ports_per_slot=1, onus_per_port=4, responsive=False, seed=5),
        SimulatedOlt(
            "lab-1", ports_per_slot=1, onus_per_port=2, seed=6, extra_records=_LAB_RECORDS
        ),
    ),
    v3_olt="huawei-1",
)

#: SNMPv3 users of ``netsnmp_agent``: authPriv SHA/AES and MD5/DES, authNoPriv SHA.
NETSNMP_USERS = (
    NetSnmpUser("oltflow-aes", auth_protocol="sha", priv_protocol="aes"),
    NetSnmpUser("oltflow-des", auth_protocol="md5", priv_protocol="des"),
    NetSnmpUser("oltflow-auth", auth_protocol="sha", priv_protocol="none"),
)


@pytest.fixture(scope="session")
def snmp_simulator() -> Iterator[RunningFleet]:
    """The session's simulated fleet (``TEST_FLEET``); do not steer it, use ``snmp_fleet``."""
    fleet = start_fleet(TEST_FLEET)
    try:
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture
def snmp_fleet(snmp_simulator: RunningFleet) -> Iterator[RunningFleet]:
    """The session's fleet, reset to its spec after the test."""
    try:
        yield snmp_simulator
    finally:
        snmp_simulator.reset()


@pytest.fixture(scope="session")
def snmp_fleet_factory() -> Iterator[Callable[[Fleet], RunningFleet]]:
    """Start more fleets; all are stopped at the end of the session."""
    started: list[RunningFleet] = []

    def start(fleet: Fleet) -> RunningFleet:
        running = start_fleet(fleet)
        started.append(running)
        return running

    try:
        yield start
    finally:
        for running in started:
            running.stop()


@pytest.fixture(scope="session")
def netsnmp_agent() -> Iterator[NetSnmpAgent]:
    """A Net-SNMP snmpd with the ``NETSNMP_USERS`` (SNMPv3 privacy included)."""
    if shutil.which("snmpd") is None:
        message = "snmpd is not installed (Debian package snmpd)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with NetSnmpAgent(users=NETSNMP_USERS) as agent:
        yield agent
