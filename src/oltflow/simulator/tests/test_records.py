"""What the simulated agents serve: vendor OIDs, index encodings, snmprec format."""

from __future__ import annotations

from pathlib import Path

import pytest

from oltflow.simulator import mibs, population, snmprec, vendors
from oltflow.simulator.spec import SimulatedOlt
from oltflow.snmp.index import HUAWEI_GPON, ZTE_GPON_ZXAN, ZTE_GPON_ZXGPON, OnuPosition
from oltflow.snmp.transforms import apply


def _position(onu: population.SimOnu) -> OnuPosition:
    return OnuPosition(onu.frame, onu.slot, onu.port, onu.onu_id)


def _column(records: list[snmprec.Record], column: str) -> dict[str, tuple[str, str]]:
    prefix = column + "."
    return {
        oid[len(prefix) :]: (tag, value) for oid, tag, value in records if oid.startswith(prefix)
    }


def test_huawei_rows_decode_to_the_onus_positions() -> None:
    olt = SimulatedOlt("hw-a", slots=2, ports_per_slot=2, onus_per_port=3, seed=1)
    onus = population.onus(olt)
    records = vendors.olt_records(olt, onus)

    for column in (mibs.HW_ONT_SN, mibs.HW_ONT_CONTROL_ACTIVE, mibs.HW_ONT_RX_POWER):
        rows = _column(records, column)
        positions = [HUAWEI_GPON.decode(index) for index in rows]
        assert [(p.slot, p.port, p.onu_id) for p in positions] == [
            (onu.slot, onu.port, onu.onu_id) for onu in onus
        ]


def test_huawei_values_follow_the_mib_and_field_notes() -> None:
    olt = SimulatedOlt("hw-a", slots=4, ports_per_slot=16, onus_per_port=8, seed=3)
    onus = population.onus(olt)
    records = vendors.olt_records(olt, onus)
    serials = _column(records, mibs.HW_ONT_SN)
    rx = _column(records, mibs.HW_ONT_RX_POWER)
    olt_rx = _column(records, mibs.HW_OLT_RX_ONT_POWER)
    status = _column(records, mibs.HW_ONT_RUN_STATUS)

    onu = next(onu for onu in onus if onu.online and onu.rx_dbm is not None)
    index = HUAWEI_GPON.encode(_position(onu))
    assert serials[index] == ("4x", onu.serial.hex())
    optical = {"factor": 0.01, "unit": "dBm", "no_reading": [mibs.HW_NO_READING]}
    assert apply("scale", optical, int(rx[index][1])).number == onu.rx_dbm
    olt_optical = {"factor": 0.01, "offset": -100, "no_reading": [mibs.HW_NO_READING]}
    assert apply("scale", olt_optical, int(olt_rx[index][1])).number == onu.olt_rx_dbm
    assert status[index] == ("2", "1")

    offline = next(onu for onu in onus if not onu.online)
    index = HUAWEI_GPON.encode(_position(offline))
    assert rx[index] == ("2", str(mibs.HW_NO_READING))
    assert apply("scale", olt_optical, int(olt_rx[index][1])).no_reading
    assert status[index] == ("2", "2")


def test_zte_serves_both_table_families_for_the_same_onus() -> None:
    olt = SimulatedOlt("zte-a", vendor="zte", slots=2, ports_per_slot=2, onus_per_port=2)
    onus = population.onus(olt)
    records = vendors.olt_records(olt, onus)

    zxgpon = [ZTE_GPON_ZXGPON.decode(i) for i in _column(records, mibs.ZTE_ONU_SN)]
    zxan = [ZTE_GPON_ZXAN.decode(i) for i in _column(records, mibs.ZTE_ZXAN_ONU_SN)]
    expected = [_position(onu) for onu in onus]

    assert zxgpon == zxan == expected
    serial = _column(records, mibs.ZTE_ZXAN_ONU_SN)[ZTE_GPON_ZXAN.encode(expected[0])]
    assert apply("hex_serial", {}, serial[1]).text == onus[0].serial_text
    rx_rows = _column(records, mibs.ZTE_ZXAN_ONU_RX_POWER)
    assert len(rx_rows) == sum(onu.rx_dbm is not None for onu in onus)


def test_snmprec_files_are_sorted_by_oid_and_refuse_duplicates(tmp_path: Path) -> None:
    records = [("1.3.6.1.10", "2", "1"), ("1.3.6.1.9", "2", "2"), ("1.3.6.1.9.1", "4", "x")]

    snmprec.write(tmp_path / "a.snmprec", records)

    assert (tmp_path / "a.snmprec").read_text().splitlines() == [
        "1.3.6.1.9|2|2",
        "1.3.6.1.9.1|4|x",
        "1.3.6.1.10|2|1",
    ]
    with pytest.raises(ValueError, match="appears twice"):
        snmprec.write(tmp_path / "b.snmprec", [*records, ("1.3.6.1.9", "2", "3")])


@pytest.mark.parametrize(
    ("value", "record"),
    [
        ("plain text", ("1.3", "4", "plain text")),
        ("Pe\u00f1a", ("1.3", "4x", "5065c3b161")),
        ("", ("1.3", "4x", "")),
        (b"\x00\x01", ("1.3", "4x", "0001")),
        ("a|b", ("1.3", "4", "a|b")),
    ],
)
def test_octet_strings_are_plain_only_when_printable(
    value: bytes | str, record: snmprec.Record
) -> None:
    assert snmprec.octets("1.3", value) == record
