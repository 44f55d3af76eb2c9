"""The discovery runner against the simulator: decoding, churn, odd indexes, parameters."""

from __future__ import annotations

import pytest

from oltflow.catalog.models import Brand, Oid
from oltflow.inventory.models import Onu, OnuValue
from oltflow.jobs.choices import ExecutionStatus
from oltflow.polling.tests.helpers import (
    ODD_BAD_INDEXES,
    ODD_LISTING,
    ODD_PORT,
    ODD_SUBROWS,
    add_node,
    job_host,
    make_olt,
    run_job,
    set_parameters,
)
from oltflow.simulator.population import SimOnu
from oltflow.snmp.index import HUAWEI_GPON, ZTE_GPON_ZXGPON, IndexLayout, OnuPosition

pytestmark = pytest.mark.django_db

VERSIONS = ["v2c", "v3"]


def positions(onus: list[SimOnu], layout: IndexLayout) -> dict[str, tuple[int, int, int, int]]:
    """What the simulator generated: raw index to (frame, slot, port, ONU id)."""
    return {
        layout.encode(OnuPosition(o.frame, o.slot, o.port, o.onu_id)): (
            o.frame,
            o.slot,
            o.port,
            o.onu_id,
        )
        for o in onus
    }


def stored(olt_id: int) -> dict[str, tuple[int | None, ...]]:
    return {
        raw_index: (frame, slot, port, onu_id)
        for raw_index, frame, slot, port, onu_id in Onu.objects.filter(olt_id=olt_id).values_list(
            "raw_index", "frame", "slot", "port", "onu_id"
        )
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_huawei_onus_are_stored_with_the_positions_the_simulator_generated(
    catalog, snmp_simulator, version
):
    # Given a Huawei OLT with the built-in template
    olt = make_olt(snmp_simulator, "huawei-1", version=version)

    # When its discovery runs through the coordinator
    execution = run_job(job_host(olt, "discovery.onus"))

    # Then every ONU is stored where the simulator put it
    expected = positions(snmp_simulator.onus("huawei-1"), HUAWEI_GPON)
    assert execution.status == ExecutionStatus.SUCCESS, execution.error
    assert stored(olt.pk) == expected
    summary = execution.summary
    assert summary["rows"] == summary["new"] == summary["written"] == len(expected) == 64
    assert summary["seen"] == summary["missing"] == summary["absent"] == summary["errors"] == 0
    assert summary["snmp_requests"] >= 3
    assert summary["seconds"] < 10


def test_zte_onus_are_decoded_with_the_zte_formula(catalog, snmp_simulator):
    olt = make_olt(snmp_simulator, "zte-1")

    execution = run_job(job_host(olt, "discovery.onus"))

    expected = positions(snmp_simulator.onus("zte-1"), ZTE_GPON_ZXGPON)
    assert execution.status == ExecutionStatus.SUCCESS, execution.error
    assert stored(olt.pk) == expected
    # ZTE numbers the rack 1, and ONUs and ports from 1: gpon-onu_1/1/1:1 is 268501248.1
    assert expected["268501248.1"] == (1, 1, 1, 1)
    assert execution.summary["errors"] == 0


def test_churn_marks_an_onu_absent_after_three_misses_and_a_returning_one_keeps_its_data(
    catalog, snmp_fleet
):
    # Given an OLT discovered in churn epoch 0, with RX power read for its ONUs
    olt = make_olt(snmp_fleet, "churn-1")
    discovery = job_host(olt, "discovery.onus")
    first = run_job(discovery)
    assert first.summary["new"] == 32
    assert run_job(job_host(olt, "optical.rx")).status == ExecutionStatus.SUCCESS
    before = {onu.raw_index: onu for onu in Onu.objects.filter(olt=olt).prefetch_related("values")}
    epoch0 = set(positions(snmp_fleet.onus("churn-1"), HUAWEI_GPON))

    # When the OLT moves to epoch 1, where some ONUs are gone and others new
    snmp_fleet.set_epoch("churn-1", 1)
    epoch1 = set(positions(snmp_fleet.onus("churn-1"), HUAWEI_GPON))
    gone, newcomers = epoch0 - epoch1, epoch1 - epoch0
    assert gone and newcomers

    # Then the gone ONUs count misses on the first two walks and stay present
    for walk in (1, 2):
        summary = run_job(discovery).summary
        assert (summary["missing"], summary["absent"]) == (len(gone), 0)
        assert summary["new"] == (len(newcomers) if walk == 1 else 0)
        rows = Onu.objects.filter(olt=olt, raw_index__in=gone)
        assert {(onu.present, onu.misses) for onu in rows} == {(True, walk)}

    # And the third miss marks them absent, keeping their values
    summary = run_job(discovery).summary
    assert (summary["missing"], summary["absent"], summary["still_absent"]) == (
        len(gone),
        len(gone),
        0,
    )
    for onu in Onu.objects.filter(olt=olt, raw_index__in=gone):
        assert (onu.present, onu.misses) == (False, 3)
        assert onu.absent_since is not None
        assert OnuValue.objects.filter(onu=onu, field="rx_power").exists()
    assert Onu.objects.filter(olt=olt, present=True).count() == len(epoch1)

    # When they come back in epoch 0
    snmp_fleet.set_epoch("churn-1", 0)
    summary = run_job(discovery).summary

    # Then they are the same rows, present again, misses reset, data kept
    assert summary["reappeared"] == len(gone)
    assert summary["missing"] == len(newcomers)
    for onu in Onu.objects.filter(olt=olt, raw_index__in=gone).prefetch_related("values"):
        old = before[onu.raw_index]
        assert (onu.pk, onu.first_seen_at) == (old.pk, old.first_seen_at)
        assert (onu.present, onu.misses, onu.absent_since) == (True, 0, None)
        assert [(v.field, v.text) for v in onu.values.all()] == [
            (v.field, v.text) for v in old.values.all()
        ]
        assert (onu.slot, onu.port, onu.onu_id) == (old.slot, old.port, old.onu_id)


def test_the_node_parameter_overrides_the_setting_for_absence(catalog, snmp_fleet, settings):
    # Given absence after 5 misses in the settings, but 1 on the node
    settings.OLTFLOW = {**settings.OLTFLOW, "ABSENT_AFTER_MISSES": 5}
    olt = make_olt(snmp_fleet, "churn-1")
    set_parameters(olt, "discovery.onus", absent_after_misses=1)
    discovery = job_host(olt, "discovery.onus")
    run_job(discovery)

    # When a walk misses some ONUs once
    snmp_fleet.set_epoch("churn-1", 2)
    summary = run_job(discovery).summary

    # Then they are absent at once
    assert summary["absent_after_misses"] == 1
    assert summary["absent"] == summary["missing"] > 0
    assert Onu.objects.filter(olt=olt, present=False).count() == summary["absent"]


def test_undecodable_indexes_are_errors_and_their_onus_are_stored_raw(catalog, polling_fleet):
    # Given a discovery OID whose column lists one good index and three bad ones
    olt = make_olt(polling_fleet, "odd-1")
    oid = Oid.objects.create(
        brand=Brand.objects.get(name="Huawei"),
        name="odd listing",
        oid=ODD_LISTING,
        kind="discovery",
    )

    # When it is walked
    execution = run_job(add_node(olt, "discovery.odd", oid))

    # Then all four ONUs are stored, three without a position, and counted as errors
    assert execution.status == ExecutionStatus.SUCCESS, execution.error
    assert stored(olt.pk) == {
        f"{ODD_PORT}.1": (0, 1, 0, 1),
        **{index: (None, None, None, None) for index in ODD_BAD_INDEXES},
    }
    summary = execution.summary
    assert (summary["onus"], summary["errors"]) == (4, 3)
    assert any("below the base" in message for message in summary["error_samples"])
    assert any("above the maximum" in message for message in summary["error_samples"])


def test_an_index_suffix_keeps_only_the_rows_that_end_with_it(catalog, polling_fleet):
    # Given a table indexed <ifIndex>.<ONT id>.<ANI> and an OID that names ANI 1
    olt = make_olt(polling_fleet, "odd-1")
    oid = Oid.objects.create(
        brand=Brand.objects.get(name="Huawei"),
        name="odd subrows",
        oid=ODD_SUBROWS,
        kind="discovery",
        index_suffix="1",
    )

    execution = run_job(add_node(olt, "discovery.subrows", oid))

    # Then one ONU per ONT, without the suffix in its index, and the ANI 2 rows skipped
    assert stored(olt.pk) == {f"{ODD_PORT}.{n}": (0, 1, 0, n) for n in range(4)}
    summary = execution.summary
    assert (summary["rows"], summary["onus"], summary["skipped"], summary["errors"]) == (8, 4, 4, 0)
