"""A Huawei OLT of 2,000 ONUs: discovery stores them all, a get stores 2,000 RX powers."""

from __future__ import annotations

import pytest

from oltflow.inventory.models import Onu, OnuSample, OnuValue
from oltflow.jobs.choices import ExecutionStatus
from oltflow.polling.tests.helpers import job_host, make_olt, run_job
from oltflow.simulator.spec import Fleet, SimulatedOlt
from oltflow.snmp.index import HUAWEI_GPON, OnuPosition

pytestmark = pytest.mark.django_db

#: 5 boards x 16 PON ports x 25 ONTs.
BIG_FLEET = Fleet(
    olts=(SimulatedOlt("big-1", slots=5, ports_per_slot=16, onus_per_port=25, seed=21),),
    v3_user=None,
)


@pytest.fixture(scope="module")
def big_fleet(snmp_fleet_factory):
    return snmp_fleet_factory(BIG_FLEET)


def test_2000_onus_are_discovered_and_their_rx_power_stored(catalog, big_fleet):
    # Given a Huawei OLT of 2,000 ONUs
    olt = make_olt(big_fleet, "big-1", timeout_seconds=5.0)
    sim = {
        HUAWEI_GPON.encode(OnuPosition(o.frame, o.slot, o.port, o.onu_id)): o
        for o in big_fleet.onus("big-1")
    }
    assert len(sim) == 2000

    # When it is discovered
    discovery = run_job(job_host(olt, "discovery.onus"))

    # Then 2,000 ONUs are stored at the positions the simulator generated
    assert discovery.status == ExecutionStatus.SUCCESS, discovery.error
    assert discovery.summary["new"] == 2000
    stored = {
        raw_index: (frame, slot, port, onu_id)
        for raw_index, frame, slot, port, onu_id in Onu.objects.filter(olt=olt).values_list(
            "raw_index", "frame", "slot", "port", "onu_id"
        )
    }
    assert stored == {
        index: (onu.frame, onu.slot, onu.port, onu.onu_id) for index, onu in sim.items()
    }

    # When its RX power is read
    read = run_job(job_host(olt, "optical.rx"))

    # Then 2,000 values in dBm are stored, the sentinels as "no reading"
    assert read.status == ExecutionStatus.SUCCESS, read.error
    values = {
        raw_index: (number, no_reading)
        for raw_index, number, no_reading in OnuValue.objects.filter(
            onu__olt=olt, field="rx_power"
        ).values_list("onu__raw_index", "number", "no_reading")
    }
    assert len(values) == 2000
    for index, onu in sim.items():
        if onu.rx_dbm is None:
            assert values[index] == (None, True)
        else:
            assert values[index][0] == pytest.approx(onu.rx_dbm)
            assert values[index][1] is False
    no_reading = sum(onu.rx_dbm is None for onu in sim.values())
    assert 0 < no_reading < 2000
    assert read.summary["written"] == 2000
    assert read.summary["no_reading"] == no_reading
    assert OnuSample.objects.filter(onu__olt=olt).count() == 2000 - no_reading
