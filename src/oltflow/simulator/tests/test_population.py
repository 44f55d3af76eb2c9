"""Generated ONUs: deterministic, realistic, and churning between epochs."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from pathlib import Path

import pytest

from oltflow.simulator import population, snmprec, vendors
from oltflow.simulator.spec import SimulatedOlt


def _keys(onus: list[population.SimOnu]) -> set[tuple[int, int, int]]:
    return {(onu.slot, onu.port, onu.onu_id) for onu in onus}


def test_the_same_seed_gives_the_same_onus_and_another_seed_others() -> None:
    olt = SimulatedOlt("olt-a", slots=2, ports_per_slot=4, onus_per_port=8, seed=7)

    assert population.onus(olt) == population.onus(olt)
    assert population.onus(olt) != population.onus(SimulatedOlt("olt-a", seed=8))


@pytest.mark.parametrize(
    ("vendor", "first_port", "first_onu"),
    [("huawei", 0, 0), ("zte", 1, 1)],
)
def test_positions_follow_the_vendors_numbering(
    vendor: str, first_port: int, first_onu: int
) -> None:
    olt = SimulatedOlt("olt-a", vendor=vendor, slots=2, ports_per_slot=3, onus_per_port=4)  # type: ignore[arg-type]

    onus = population.onus(olt)

    assert len(onus) == olt.onu_count == 24
    assert {onu.slot for onu in onus} == {1, 2}
    assert {onu.port for onu in onus} == set(range(first_port, first_port + 3))
    assert {onu.onu_id for onu in onus} == set(range(first_onu, first_onu + 4))


def test_readings_have_a_realistic_spread() -> None:
    olt = SimulatedOlt("olt-a", slots=4, ports_per_slot=16, onus_per_port=16, seed=11)

    onus = population.onus(olt)
    online = [onu for onu in onus if onu.online]
    rx = [onu.rx_dbm for onu in online if onu.rx_dbm is not None]

    assert 0.85 < len(online) / len(onus) < 0.98
    assert -30 <= min(rx) and max(rx) <= -8
    assert -24 < statistics.mean(rx) < -16 and statistics.stdev(rx) > 1.5
    assert all(onu.rx_dbm is None and onu.distance_m is None for onu in onus if not onu.online)
    assert any(onu.rx_dbm is None for onu in online), "a few online ONUs report no reading"
    assert all(150 <= onu.distance_m <= 20_000 for onu in online if onu.distance_m)
    assert len({onu.serial for onu in onus}) == len(onus)
    assert sum(onu.serial.startswith(b"HWTC") for onu in onus) / len(onus) > 0.9
    assert {onu.last_down_cause for onu in onus} <= {1, 2, 3, 9, 10, 13}


def test_zte_onus_report_down_causes_in_zte_codes() -> None:
    olt = SimulatedOlt("olt-a", vendor="zte", slots=4, ports_per_slot=16, onus_per_port=16)

    causes = Counter(onu.last_down_cause for onu in population.onus(olt))

    # dyingGasp(9), losi(3), los(2), lofi(4), reboot(12), unknown(1); dying gasp leads
    assert set(causes) == {9, 3, 2, 4, 12, 1}
    assert causes.most_common(1)[0][0] == 9


def test_churn_removes_some_onus_adds_others_and_keeps_identities() -> None:
    olt = SimulatedOlt("olt-a", ports_per_slot=8, onus_per_port=32, churn_epochs=2, churn_rate=0.1)
    first, second = population.onus(olt, 0), population.onus(olt, 1)

    gone = _keys(first) - _keys(second)
    new = _keys(second) - _keys(first)

    assert 0.05 < len(gone) / len(first) < 0.15
    assert new and all(onu_id >= 32 for _, _, onu_id in new)
    unchanged = {(onu.slot, onu.port, onu.onu_id): onu for onu in first}
    assert all(
        unchanged[(o.slot, o.port, o.onu_id)] == o
        for o in second
        if (o.slot, o.port, o.onu_id) not in new
    )
    assert population.onus(olt, 1) == second
    assert _keys(population.onus(olt, 2)) != _keys(second)


def test_a_2000_onu_olt_is_generated_and_written_in_well_under_a_few_seconds(
    tmp_path: Path,
) -> None:
    olt = SimulatedOlt("big-a", slots=8, ports_per_slot=16, onus_per_port=16)
    started = time.perf_counter()

    onus = population.onus(olt)
    written = snmprec.write(tmp_path / "big-a.snmprec", vendors.olt_records(olt, onus))

    assert len(onus) == 2048
    assert written == 4 + 11 * 2048
    assert time.perf_counter() - started < 1.5
