"""What the simulated agents serve: vendor OIDs, index encodings, snmprec format."""

from __future__ import annotations

from pathlib import Path

import pytest

from oltflow.catalog import builtin
from oltflow.simulator import mibs, population, snmprec, vendors
from oltflow.simulator.spec import SimulatedOlt
from oltflow.snmp.index import (
    HUAWEI_GPON,
    PRESETS,
    ZTE_GPON_ZXAN,
    ZTE_GPON_ZXGPON,
    OnuPosition,
)
from oltflow.snmp.transforms import apply, compile_transform


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


def test_zte_optical_levels_follow_the_catalog_transforms_and_sentinels() -> None:
    olt = SimulatedOlt("zte-a", vendor="zte", slots=4, ports_per_slot=16, onus_per_port=8)
    onus = population.onus(olt)
    records = vendors.olt_records(olt, onus)
    rx = _column(records, mibs.ZTE_ANI_RX_POWER)
    tx = _column(records, mibs.ZTE_ANI_TX_POWER)
    olt_rx = _column(records, mibs.ZTE_ZXAN_OLT_RX_POWER)
    ani = {"factor": 0.002, "offset": -30, "no_reading": [mibs.ZTE_ANI_NO_READING]}
    milli = {
        "factor": 0.001,
        "no_reading": [mibs.ZTE_ZXAN_NOT_IN_SERVICE, mibs.ZTE_ZXAN_NO_SIGNAL],
    }

    # Every ONU has a row in each table, addressed as the catalog addresses it
    for onu in onus:
        index = ZTE_GPON_ZXGPON.encode(_position(onu))
        rx_value = apply("scale", ani, int(rx[f"{index}.1"][1]))
        tx_value = apply("scale", ani, int(tx[f"{index}.1"][1]))
        olt_rx_value = apply("scale", milli, int(olt_rx[ZTE_GPON_ZXAN.encode(_position(onu))][1]))
        for value, truth in ((rx_value, onu.rx_dbm), (tx_value, onu.tx_dbm)):
            assert value.no_reading if truth is None else value.number == pytest.approx(truth)
        if onu.olt_rx_dbm is None:
            assert olt_rx_value.no_reading
        else:
            assert olt_rx_value.number == onu.olt_rx_dbm
    assert len(rx) == len(tx) == len(olt_rx) == len(onus)

    # Offline ONUs answer the sentinels: no signal after LOS, N/A otherwise
    offline = [onu for onu in onus if not onu.online]
    sentinels = {olt_rx[ZTE_GPON_ZXAN.encode(_position(onu))][1] for onu in offline}
    assert sentinels == {str(mibs.ZTE_ZXAN_NO_SIGNAL), str(mibs.ZTE_ZXAN_NOT_IN_SERVICE)}
    assert all(rx[f"{ZTE_GPON_ZXGPON.encode(_position(o))}.1"][1] == "65535" for o in offline)


def test_zte_last_down_cause_and_phase_state_agree() -> None:
    olt = SimulatedOlt("zte-a", vendor="zte", slots=4, ports_per_slot=16, onus_per_port=8)
    onus = population.onus(olt)
    records = vendors.olt_records(olt, onus)
    causes = _column(records, mibs.ZTE_ONU_LAST_DOWN_CAUSE)
    phases = _column(records, mibs.ZTE_ONU_PHASE_STATE)

    for onu in onus:
        index = ZTE_GPON_ZXGPON.encode(_position(onu))
        assert causes[index] == ("2", str(onu.last_down_cause))
        if onu.online:
            assert phases[index][1] == "3"
        else:
            # los(1) after LOS or LOSi, dyinggasp(4) after a dying gasp, offline(6) otherwise
            expected = {2: "1", 3: "1", 9: "4"}.get(onu.last_down_cause, "6")
            assert phases[index][1] == expected


def _template_oids(brand: str) -> list[tuple[str, dict]]:
    """(node key, catalog OID entry) of every node of ``brand``'s built-in template."""
    [template] = [t for t in builtin.WORKFLOW_TEMPLATES if t["name"] == f"{brand} GPON"]
    nodes = []
    for node in template["nodes"]:
        node_brand, _model, oid, kind = node["oid"]
        [entry] = [
            e for e in builtin.OIDS if (e["brand"], e["oid"], e["kind"]) == (node_brand, oid, kind)
        ]
        nodes.append((node["key"], entry))
    return nodes


def _raw(tag: str, value: str) -> bytes | int | str:
    if tag == snmprec.OCTET_STRING_HEX:
        return bytes.fromhex(value)
    return int(value) if tag == snmprec.INTEGER else value


@pytest.mark.parametrize(("vendor", "brand"), [("huawei", "Huawei"), ("zte", "ZTE")])
def test_every_oid_of_the_builtin_template_is_served_for_every_onu(vendor: str, brand: str) -> None:
    olt = SimulatedOlt("olt-a", vendor=vendor, slots=2, ports_per_slot=8, onus_per_port=8)  # type: ignore[arg-type]
    onus = population.onus(olt)
    served = {oid: (tag, value) for oid, tag, value in vendors.olt_records(olt, onus)}
    model = next(m for m in builtin.OLT_MODELS if m["brand"] == brand)

    for key, entry in _template_oids(brand):
        layout = PRESETS[entry.get("index_formula", model["index_formula"])]
        suffix = f".{entry['index_suffix']}" if entry.get("index_suffix") else ""
        transform = compile_transform(entry["transform"], entry.get("transform_params", {}))
        readings = 0
        for onu in onus:
            instance = layout.encode(_position(onu)) + suffix
            assert f"{entry['oid']}.{instance}" in served, f"{key}: no row {instance}"
            value = transform(_raw(*served[f"{entry['oid']}.{instance}"]))
            readings += not value.no_reading
        assert readings > 0.8 * len(onus), key


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
