"""SnmpClient against real agents: snmpsim (the simulated fleet) and Net-SNMP snmpd."""

from __future__ import annotations

import threading
import time

import pytest

import oltflow.snmp.client as client_module
from oltflow.simulator import mibs
from oltflow.simulator.fleet import RunningFleet
from oltflow.simulator.netsnmp import NetSnmpAgent
from oltflow.simulator.pytest_plugin import (
    LAB_BIG_COLUMN,
    LAB_TRAP_COLUMN,
    LAB_TRAP_ROW,
    LAB_TYPES_COLUMN,
    LAB_WIDE_COLUMN,
    NETSNMP_USERS,
)
from oltflow.snmp import (
    GetResult,
    SnmpAuthError,
    SnmpClient,
    SnmpConfigError,
    SnmpDeadlineError,
    SnmpNoSuchObjectError,
    SnmpRowLimitError,
    SnmpTarget,
    SnmpTimeoutError,
    SnmpUnreachableError,
    SnmpWalkLoopError,
)
from oltflow.snmp.index import HUAWEI_GPON, OnuPosition
from oltflow.snmp.tests.looping_agent import LoopingAgent


def _serial_rows(fleet: RunningFleet, name: str) -> list[tuple[str, bytes]]:
    rows = []
    for onu in fleet.onus(name):
        index = HUAWEI_GPON.encode(OnuPosition(onu.frame, onu.slot, onu.port, onu.onu_id))
        rows.append((f"{mibs.HW_ONT_SN}.{index}", onu.serial))
    return rows


# Walks


def test_v2c_walk_reads_a_whole_column_with_getbulk(snmp_simulator: RunningFleet) -> None:
    expected = _serial_rows(snmp_simulator, "huawei-1")

    with SnmpClient(snmp_simulator.target("huawei-1", max_repetitions=25)) as client:
        rows = client.walk("." + mibs.HW_ONT_SN)

        assert rows == expected
        assert len(rows) == 64
        assert client.requests == 3  # 25 + 25 + 14 rows, the last answer leaves the column


def test_v1_walk_uses_getnext(snmp_simulator: RunningFleet) -> None:
    with SnmpClient(snmp_simulator.target("huawei-1", version="v1")) as client:
        rows = client.walk(mibs.HW_ONT_SN)

        assert rows == _serial_rows(snmp_simulator, "huawei-1")
        assert client.requests == len(rows) + 1


def test_v3_walk_with_the_fleets_user(snmp_simulator: RunningFleet) -> None:
    with SnmpClient(snmp_simulator.v3_target()) as client:
        rows = client.walk(mibs.HW_ONT_SN)

    assert rows == _serial_rows(snmp_simulator, "huawei-1")


@pytest.mark.parametrize("user", NETSNMP_USERS, ids=lambda user: user.name)
def test_v3_authentication_and_privacy_against_net_snmp(
    netsnmp_agent: NetSnmpAgent, user: object
) -> None:
    with SnmpClient(netsnmp_agent.user_target(user)) as client:  # type: ignore[arg-type]
        system = client.walk("1.3.6.1.2.1.1")
        result = client.get_many(["1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.1.6.1"])

    assert ("1.3.6.1.2.1.1.6.0", b"oltflow test lab") in system
    assert result.values == {"1.3.6.1.2.1.1.6.0": b"oltflow test lab"}
    assert result.missing == ["1.3.6.1.2.1.1.6.1"]


def test_a_long_lived_v3_client_resynchronises_its_clock(
    netsnmp_agent: NetSnmpAgent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "V3_RESYNC_AFTER_S", 0.0)

    with SnmpClient(netsnmp_agent.user_target(NETSNMP_USERS[0])) as client:
        first = client.get("1.3.6.1.2.1.1.6.0")
        second = client.get("1.3.6.1.2.1.1.6.0")

        assert first == second == b"oltflow test lab"
        assert client.requests == 2  # the refresh exchanges are not counted


def test_v3_wrong_authentication_key_is_an_auth_error(netsnmp_agent: NetSnmpAgent) -> None:
    target = netsnmp_agent.user_target(NETSNMP_USERS[0], auth_key="not-the-key", timeout=0.5)

    with pytest.raises(SnmpAuthError) as caught, SnmpClient(target) as client:
        client.get_many(["1.3.6.1.2.1.1.5.0"])

    assert caught.value.retryable is False


def test_walk_halves_repetitions_when_answers_overflow_the_buffer(
    snmp_simulator: RunningFleet,
) -> None:
    # 50 rows of ~120 bytes do not fit gufo-snmp's 4080-byte receive buffer.
    with SnmpClient(snmp_simulator.target("lab-1", max_repetitions=50)) as client:
        rows = client.walk(LAB_WIDE_COLUMN)
        again = client.walk(LAB_WIDE_COLUMN)

    assert [oid for oid, _ in rows] == [f"{LAB_WIDE_COLUMN}.{row}" for row in range(1, 201)]
    assert all(value == f"{row:04d}".encode() + b"w" * 96 for row, (_, value) in enumerate(rows, 1))
    assert again == rows


def test_walk_stops_at_its_row_cap(snmp_simulator: RunningFleet) -> None:
    with pytest.raises(SnmpRowLimitError) as caught:
        with SnmpClient(snmp_simulator.target("huawei-1")) as client:
            client.walk(mibs.HW_ONT_SN, max_rows=10)

    assert caught.value.partial == _serial_rows(snmp_simulator, "huawei-1")[:10]
    assert caught.value.retryable is False


def test_walk_stops_at_its_deadline(snmp_simulator: RunningFleet) -> None:
    # slow-1 answers 0.4 s late; one row per request.
    target = snmp_simulator.target("slow-1", max_repetitions=1, timeout=2.0)
    started = time.monotonic()

    with pytest.raises(SnmpDeadlineError) as caught, SnmpClient(target) as client:
        client.walk(mibs.HW_ONT_SN, deadline_s=0.6)

    assert 0.6 < time.monotonic() - started < 1.5
    assert 1 <= len(caught.value.partial) < 4


@pytest.mark.parametrize("version", ["v1", "v2c"])
def test_walk_refuses_an_agent_that_goes_backwards(version: str) -> None:
    root = "1.3.6.1.4.1.99999.7"
    with LoopingAgent(root) as agent:
        target = SnmpTarget("127.0.0.1", port=agent.port, version=version, timeout=1.0)
        with pytest.raises(SnmpWalkLoopError, match="out of order") as caught:
            with SnmpClient(target) as client:
                client.walk(root, deadline_s=5)  # bounded even if the guard broke

    assert caught.value.partial == [(f"{root}.1", 1)] + ([(f"{root}.2", 2)] * (version == "v2c"))
    assert agent.requests == 2


# GET


@pytest.mark.parametrize("version", ["v1", "v2c", "v3"])
def test_get_many_reports_values_and_missing_oids(
    snmp_simulator: RunningFleet, version: str
) -> None:
    present = [oid for oid, _ in _serial_rows(snmp_simulator, "huawei-1")[:3]]
    missing_instance = f"{mibs.HW_ONT_SN}.4194312192.99"
    missing_object = "1.3.6.1.4.1.2011.6.128.1.1.2.99.1.1.4194312192.0"
    target = (
        snmp_simulator.v3_target()
        if version == "v3"
        else snmp_simulator.target("huawei-1", version=version)
    )

    with SnmpClient(target) as client:
        result = client.get_many(
            [missing_object, present[0], "." + present[1], missing_instance, present[2]]
        )

    assert result.values == dict(_serial_rows(snmp_simulator, "huawei-1")[:3])
    assert result.missing == [missing_object, missing_instance]
    assert result.errors == {}


def test_get_many_sends_pdus_of_at_most_max_varbinds(snmp_simulator: RunningFleet) -> None:
    oids = [oid for oid, _ in _serial_rows(snmp_simulator, "huawei-1")]

    with SnmpClient(snmp_simulator.target("huawei-1", max_varbinds=10)) as client:
        result = client.get_many(oids)

        assert client.requests == 7
    assert len(result.values) == 64


def test_get_many_splits_answers_too_big_to_send_or_receive(snmp_simulator: RunningFleet) -> None:
    # 50 x 1,400 bytes: snmpsim cannot send it (timeout); 25 or 12 overflow gufo's buffer.
    oids = [f"{LAB_BIG_COLUMN}.{row}" for row in range(1, 51)]
    target = snmp_simulator.target("lab-1", max_varbinds=50, timeout=0.5, retries=0)

    with SnmpClient(target) as client:
        result = client.get_many(oids)

        assert client.requests < 60
    assert list(result.values) == oids
    assert result.values[oids[0]] == b"0001" + b"x" * 1396
    assert (result.missing, result.errors) == ([], {})


def test_one_bad_onu_does_not_sink_its_batch(snmp_simulator: RunningFleet) -> None:
    oids = [f"{LAB_TRAP_COLUMN}.{row}" for row in range(1, 9)]
    target = snmp_simulator.target("lab-1", timeout=0.2, retries=0)

    with SnmpClient(target) as client:
        result = client.get_many(oids)

    bad = f"{LAB_TRAP_COLUMN}.{LAB_TRAP_ROW}"
    assert result.values == {oid: row for row, oid in enumerate(oids, 1) if oid != bad}
    assert list(result.errors) == [bad]
    assert isinstance(result.errors[bad], SnmpTimeoutError)


def test_get_returns_one_value_or_raises(snmp_simulator: RunningFleet) -> None:
    with SnmpClient(snmp_simulator.target("huawei-1")) as client:
        assert client.get("1.3.6.1.2.1.1.5.0") == b"huawei-1"
        assert client.get("1.3.6.1.2.1.1.3.0") == 123456789
        assert client.get("1.3.6.1.2.1.1.2.0") == "1.3.6.1.4.1.2011"
        with pytest.raises(SnmpNoSuchObjectError):
            client.get("1.3.6.1.2.1.1.5.1")


def test_values_come_back_as_python_types(snmp_simulator: RunningFleet) -> None:
    with SnmpClient(snmp_simulator.target("lab-1")) as client:
        values = [value for _, value in client.walk(LAB_TYPES_COLUMN)]

    assert values == ["10.1.2.3", 2**64 - 1, 2**32 - 1, "1.3.6.1.4.1.2011", 12345, 7, b"0102", b""]


# Failures and limits


def test_an_unreachable_port_fails_at_once(snmp_simulator: RunningFleet) -> None:
    target = snmp_simulator.target("huawei-1", port=snmp_simulator.closed_port, retries=3)
    started = time.monotonic()

    with pytest.raises(SnmpUnreachableError) as caught, SnmpClient(target) as client:
        client.get_many(["1.3.6.1.2.1.1.5.0"])

    assert time.monotonic() - started < 0.5
    assert caught.value.retryable is True


@pytest.mark.parametrize("operation", ["walk", "get_many"])
def test_an_agent_that_never_answers_times_out_in_bounded_time(
    snmp_simulator: RunningFleet, operation: str
) -> None:
    target = snmp_simulator.target("silent-1", timeout=0.2, retries=1)
    started = time.monotonic()

    with pytest.raises(SnmpTimeoutError) as caught, SnmpClient(target) as client:
        if operation == "walk":
            client.walk(mibs.HW_ONT_SN)
        else:
            client.get_many([f"{mibs.HW_ONT_SN}.4194312192.{onu}" for onu in range(40)])

    # walk: 2 attempts; get_many: 2 attempts, then 2 for the liveness probe.
    assert time.monotonic() - started < 1.2
    assert caught.value.retryable is True
    assert client.requests == (2 if operation == "walk" else 4)


def test_a_slow_agent_needs_a_long_enough_timeout(snmp_simulator: RunningFleet) -> None:
    with SnmpClient(snmp_simulator.target("slow-1", timeout=1.0)) as client:
        assert client.get("1.3.6.1.2.1.1.5.0") == b"slow-1"
    with pytest.raises(SnmpTimeoutError):
        with SnmpClient(snmp_simulator.target("slow-1", timeout=0.2, retries=0)) as client:
            client.get("1.3.6.1.2.1.1.5.0")


def test_a_client_refuses_to_serve_two_threads_at_once(snmp_simulator: RunningFleet) -> None:
    client = SnmpClient(snmp_simulator.target("slow-1", timeout=2.0))
    walking = threading.Thread(target=client.walk, args=(mibs.HW_ONT_SN,))
    walking.start()
    time.sleep(0.1)

    try:
        with pytest.raises(SnmpConfigError, match="not thread-safe"):
            client.get_many(["1.3.6.1.2.1.1.5.0"])
    finally:
        walking.join()


def test_the_rate_limit_spaces_requests(snmp_simulator: RunningFleet) -> None:
    oids = [oid for oid, _ in _serial_rows(snmp_simulator, "huawei-1")[:9]]
    target = snmp_simulator.target("huawei-1", max_varbinds=1, rate_limit=20)
    started = time.monotonic()

    with SnmpClient(target) as client:
        result = client.get_many(oids)

    assert len(result.values) == 9
    assert time.monotonic() - started >= 8 / 20


def test_nothing_to_get_sends_nothing(snmp_simulator: RunningFleet) -> None:
    with SnmpClient(snmp_simulator.target("huawei-1")) as client:
        assert client.get_many([]) == GetResult()
        assert client.requests == 0


def test_retryable_errors_are_timeouts_and_unreachable_agents_only() -> None:
    import oltflow.snmp.errors as errors

    retryable = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.SnmpError) and value.retryable
    }

    assert retryable == {"SnmpTimeoutError", "SnmpUnreachableError"}
