"""The get runner against the simulator: values, strategies, missing and malformed instances."""

from __future__ import annotations

import pytest

from oltflow.catalog.models import Brand, IndexFormula, Oid
from oltflow.inventory.models import Onu, OnuSample, OnuValue
from oltflow.jobs.choices import ExecutionStatus
from oltflow.polling.get import MISSING
from oltflow.polling.tests.helpers import (
    ODD_PORT,
    ODD_SUBROWS,
    ODD_VALUES,
    add_node,
    job_host,
    make_olt,
    run_job,
    set_parameters,
)
from oltflow.simulator import mibs
from oltflow.snmp.index import HUAWEI_GPON, ZTE_GPON_ZXGPON, OnuPosition

pytestmark = pytest.mark.django_db

#: walk_ratio values that force each way of reading.
STRATEGIES = {"walk": 0, "get": 2}


def values(olt_id: int, field: str) -> dict[str, OnuValue]:
    return {
        value.onu.raw_index: value
        for value in OnuValue.objects.filter(onu__olt_id=olt_id, field=field).select_related("onu")
    }


def discovered(fleet, name: str, **olt_fields):
    olt = make_olt(fleet, name, **olt_fields)
    assert run_job(job_host(olt, "discovery.onus")).status == ExecutionStatus.SUCCESS
    return olt


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("version", ["v2c", "v3"])
def test_rx_power_is_stored_in_dbm_with_no_reading_for_the_sentinel(
    catalog, snmp_simulator, version, strategy
):
    # Given a discovered Huawei OLT whose RX power node reads one way
    olt = discovered(snmp_simulator, "huawei-1", version=version)
    set_parameters(olt, "optical.rx", walk_ratio=STRATEGIES[strategy])

    # When the node runs
    execution = run_job(job_host(olt, "optical.rx"))

    # Then every ONU has its RX power in dBm, or "no reading" where the OLT answered 2147483647
    assert execution.status == ExecutionStatus.SUCCESS, execution.error
    sim = {
        HUAWEI_GPON.encode(OnuPosition(o.frame, o.slot, o.port, o.onu_id)): o
        for o in snmp_simulator.onus("huawei-1")
    }
    stored = values(olt.pk, "rx_power")
    assert set(stored) == set(sim)
    for index, onu in sim.items():
        value = stored[index]
        if onu.rx_dbm is None:
            assert (value.no_reading, value.number, value.text, value.error) == (True, None, "", "")
        else:
            assert value.number == pytest.approx(onu.rx_dbm)
            assert value.text == f"{onu.rx_dbm:.2f} dBm"
            assert (value.no_reading, value.error) == (False, "")
    no_reading = sum(onu.rx_dbm is None for onu in sim.values())
    assert no_reading > 0
    summary = execution.summary
    assert summary["strategy"] == strategy
    assert (summary["onus"], summary["rows"], summary["written"]) == (64, 64, 64)
    assert (summary["no_reading"], summary["samples"]) == (no_reading, 64 - no_reading)
    assert (summary["missing"], summary["errors"], summary["unknown"]) == (0, 0, 0)
    assert OnuSample.objects.filter(onu__olt=olt, field="rx_power").count() == 64 - no_reading
    # 64 OIDs in PDUs of 50, or 64 rows in GETBULKs of 25 and one past the end
    assert summary["snmp_requests"] == (2 if strategy == "get" else 3)


def test_the_column_is_walked_unless_most_known_onus_are_absent(catalog, snmp_simulator):
    # Given a discovered OLT whose run status was read once, by walking the column
    olt = discovered(snmp_simulator, "huawei-1")
    node = job_host(olt, "status.run")
    assert run_job(node).summary["strategy"] == "walk"
    before = values(olt.pk, "run_status")

    # When 40 of its 64 ONUs are absent (24 wanted of 64 known is below the ratio 0.5)
    indexes = sorted(before)
    Onu.objects.filter(olt=olt, raw_index__in=indexes[:40]).update(present=False)
    summary = run_job(node).summary

    # Then the 24 present ones are read by GET, and the absent ones keep their last value
    assert (summary["strategy"], summary["onus"], summary["written"]) == ("get", 24, 24)
    after = values(olt.pk, "run_status")
    assert all(after[i].updated_at == before[i].updated_at for i in indexes[:40])
    assert all(after[i].updated_at > before[i].updated_at for i in indexes[40:])


def test_text_transforms_store_no_samples(catalog, snmp_simulator):
    olt = discovered(snmp_simulator, "huawei-1")

    execution = run_job(job_host(olt, "info.serial"))

    serials = {
        HUAWEI_GPON.encode(OnuPosition(o.frame, o.slot, o.port, o.onu_id)): o.serial_text
        for o in snmp_simulator.onus("huawei-1")
    }
    assert {index: value.text for index, value in values(olt.pk, "serial").items()} == serials
    assert execution.summary["samples"] == 0
    assert not OnuSample.objects.filter(onu__olt=olt).exists()


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_missing_instances_and_malformed_values_spoil_only_their_onu(
    catalog, polling_fleet, strategy
):
    # Given four ONTs and a column with a good value, a malformed one, a sentinel and no row
    olt = discovered(polling_fleet, "odd-1")
    oid = Oid.objects.create(
        brand=Brand.objects.get(name="Huawei"),
        name="odd level",
        oid=ODD_VALUES,
        kind="get",
        target_field="odd_level",
        transform="scale",
        transform_params={"factor": 0.01, "unit": "dBm", "no_reading": [2147483647]},
    )
    host = add_node(olt, "odd.level", oid, walk_ratio=STRATEGIES[strategy])

    # When the get runs (the GET batch holds all four OIDs)
    execution = run_job(host)

    # Then it succeeded, with one error and one missing ONU recorded on their rows
    assert execution.status == ExecutionStatus.SUCCESS, execution.error
    stored = values(olt.pk, "odd_level")
    good, malformed, sentinel, missing = (stored[f"{ODD_PORT}.{n}"] for n in range(4))
    assert (good.text, good.number, good.error) == ("12.34 dBm", 12.34, "")
    assert malformed.error.startswith("malformed value: ")
    assert (malformed.text, malformed.number) == ("", None)
    assert (sentinel.no_reading, sentinel.error) == (True, "")
    assert (missing.error, missing.number, missing.no_reading) == (MISSING, None, False)
    summary = execution.summary
    assert summary["strategy"] == strategy
    assert (summary["written"], summary["samples"], summary["no_reading"]) == (4, 1, 1)
    assert (summary["missing"], summary["errors"]) == (1, 1)
    assert summary["error_samples"] == [f"ONU {ODD_PORT}.1: {malformed.error}"]
    assert OnuSample.objects.get(onu__olt=olt, field="odd_level").number == 12.34


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_an_index_suffix_reads_the_named_sub_row(catalog, polling_fleet, strategy):
    olt = discovered(polling_fleet, "odd-1")
    oid = Oid.objects.create(
        brand=Brand.objects.get(name="Huawei"),
        name="odd ANI",
        oid=ODD_SUBROWS,
        kind="get",
        target_field="ani_value",
        transform="integer",
        index_suffix="1",
    )

    summary = run_job(add_node(olt, "odd.ani", oid, walk_ratio=STRATEGIES[strategy])).summary

    assert {value.text for value in values(olt.pk, "ani_value").values()} == {"100"}
    assert (summary["written"], summary["missing"], summary["errors"]) == (4, 0, 0)
    # A walk sees the ANI 2 rows too, and leaves them
    assert summary["unknown"] == (4 if strategy == "walk" else 0)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_an_oid_with_its_own_formula_is_read_at_the_positions_it_encodes(
    catalog, snmp_simulator, strategy
):
    # Given ZTE ONUs discovered in the ZXGPON numbering, and an OID of the ZXAN tables
    olt = discovered(snmp_simulator, "zte-1")
    oid = Oid.objects.create(
        brand=Brand.objects.get(name="ZTE"),
        name="ZXAN RX power",
        oid=mibs.ZTE_ZXAN_ONU_RX_POWER,
        kind="get",
        target_field="zxan_rx_power",
        transform="scale",
        transform_params={"factor": 0.002, "offset": -30, "unit": "dBm"},
        index_formula=IndexFormula.objects.get(name="zte-gpon-zxan"),
    )

    execution = run_job(add_node(olt, "optical.zxan", oid, walk_ratio=STRATEGIES[strategy]))

    # Then each ONU gets the value of its own row; ONUs offline have no row there
    sim = {
        ZTE_GPON_ZXGPON.encode(OnuPosition(o.frame, o.slot, o.port, o.onu_id)): o
        for o in snmp_simulator.onus("zte-1")
    }
    stored = values(olt.pk, "zxan_rx_power")
    assert set(stored) == set(sim)
    for index, onu in sim.items():
        if onu.rx_dbm is None:
            assert stored[index].error == MISSING
        else:
            assert stored[index].number == pytest.approx(onu.rx_dbm, abs=0.002)
    summary = execution.summary
    assert summary["missing"] == sum(onu.rx_dbm is None for onu in sim.values())
    assert summary["errors"] == 0


def test_an_olt_without_present_onus_is_not_asked_anything(catalog, snmp_simulator):
    # silent-1 never answers: reaching it would fail the run
    olt = make_olt(snmp_simulator, "silent-1")

    execution = run_job(job_host(olt, "optical.rx"))

    assert execution.status == ExecutionStatus.SUCCESS, execution.error
    summary = execution.summary
    assert (summary["onus"], summary["written"], summary["snmp_requests"]) == (0, 0, 0)
    assert summary["strategy"] == "none"
