"""Turning simulated ONUs into the records a Huawei- or ZTE-like agent serves."""

from __future__ import annotations

from collections.abc import Iterator

from oltflow.simulator import mibs
from oltflow.simulator.population import SimOnu
from oltflow.simulator.snmprec import OBJECT_ID, TIMETICKS, Record, integer, octets
from oltflow.simulator.spec import SimulatedOlt
from oltflow.snmp.index import HUAWEI_GPON, ZTE_GPON_ZXAN, ZTE_GPON_ZXGPON, OnuPosition

_SYS_DESCR = {
    "huawei": "Huawei Integrated Access Software (MA5800-X15 simulated by oltflow)",
    "zte": "ZXA10 C320 (simulated by oltflow)",
}
_ENTERPRISE = {"huawei": "1.3.6.1.4.1.2011", "zte": "1.3.6.1.4.1.3902"}

# zxGponOntPhaseState of an offline ONU by its last offline reason: los(1) after LOS or LOSi,
# dyinggasp(4) after a dying gasp, offline(6) otherwise. The 3902.1082 tables count the same
# states from 1: 2 LOS, 4 working, 5 dying-gasp, 7 offline.
_ZTE_PHASE_DOWN = {2: 1, 3: 1, 9: 4}
_ZTE_PHASE_LOS = 1
_ZTE_WORKING = 3


def system_records(olt: SimulatedOlt, uptime_ticks: int = 123_456_789) -> list[Record]:
    return [
        octets(mibs.SYS_DESCR, _SYS_DESCR[olt.vendor]),
        (mibs.SYS_OBJECT_ID, OBJECT_ID, _ENTERPRISE[olt.vendor]),
        (mibs.SYS_UPTIME, TIMETICKS, str(uptime_ticks)),
        octets(mibs.SYS_NAME, olt.name),
    ]


def _hundredths(dbm: float | None, offset: int = 0) -> int:
    return mibs.HW_NO_READING if dbm is None else round(dbm * 100) + offset


def huawei_records(onus: list[SimOnu]) -> Iterator[Record]:
    for onu in onus:
        index = HUAWEI_GPON.encode(OnuPosition(onu.frame, onu.slot, onu.port, onu.onu_id))
        yield octets(f"{mibs.HW_ONT_SN}.{index}", onu.serial)
        yield octets(f"{mibs.HW_ONT_LINE_PROFILE}.{index}", onu.line_profile)
        yield octets(f"{mibs.HW_ONT_DESCRIPTION}.{index}", onu.description)
        yield octets(f"{mibs.HW_ONT_EQUIPMENT_ID}.{index}", onu.model)
        yield integer(f"{mibs.HW_ONT_CONTROL_ACTIVE}.{index}", 1)
        yield integer(f"{mibs.HW_ONT_RUN_STATUS}.{index}", 1 if onu.online else 2)
        yield integer(f"{mibs.HW_ONT_RANGING}.{index}", onu.distance_m or -1)
        yield integer(f"{mibs.HW_ONT_LAST_DOWN_CAUSE}.{index}", onu.last_down_cause)
        yield integer(f"{mibs.HW_ONT_TX_POWER}.{index}", _hundredths(onu.tx_dbm))
        yield integer(f"{mibs.HW_ONT_RX_POWER}.{index}", _hundredths(onu.rx_dbm))
        olt_rx = _hundredths(onu.olt_rx_dbm, mibs.HW_OLT_RX_OFFSET)
        yield integer(f"{mibs.HW_OLT_RX_ONT_POWER}.{index}", olt_rx)


def _ani_level(dbm: float | None) -> int:
    """An ANI-G optical level: steps of 0.002 dB above -30 dBm, 65535 for no reading."""
    return mibs.ZTE_ANI_NO_READING if dbm is None else round((dbm + 30) / 0.002)


def _zxan_olt_rx(onu: SimOnu, phase: int) -> int:
    """zxAnPonRxOpticalPower: 0.001 dBm, or no signal after LOS, or N/A."""
    if onu.olt_rx_dbm is not None:
        return round(onu.olt_rx_dbm * 1000)
    if phase == _ZTE_PHASE_LOS:
        return mibs.ZTE_ZXAN_NO_SIGNAL
    return mibs.ZTE_ZXAN_NOT_IN_SERVICE


def zte_records(onus: list[SimOnu]) -> Iterator[Record]:
    for onu in onus:
        position = OnuPosition(onu.frame, onu.slot, onu.port, onu.onu_id)
        index = ZTE_GPON_ZXGPON.encode(position)
        phase = _ZTE_WORKING if onu.online else _ZTE_PHASE_DOWN.get(onu.last_down_cause, 6)
        name = onu.description.split(" ", 1)[0]
        yield octets(f"{mibs.ZTE_ONU_TYPE_NAME}.{index}", onu.model)
        yield octets(f"{mibs.ZTE_ONU_NAME}.{index}", name)
        yield octets(f"{mibs.ZTE_ONU_DESCRIPTION}.{index}", onu.description)
        yield octets(f"{mibs.ZTE_ONU_SN}.{index}", onu.serial)
        yield integer(f"{mibs.ZTE_ONU_PHASE_STATE}.{index}", phase)
        yield integer(f"{mibs.ZTE_ONU_LAST_DOWN_CAUSE}.{index}", onu.last_down_cause)
        yield integer(f"{mibs.ZTE_ONU_DISTANCE}.{index}", onu.distance_m or 0)
        ani = f"{index}.{mibs.ZTE_ANI_PORT}"
        yield integer(f"{mibs.ZTE_ANI_RX_POWER}.{ani}", _ani_level(onu.rx_dbm))
        yield integer(f"{mibs.ZTE_ANI_TX_POWER}.{ani}", _ani_level(onu.tx_dbm))

        zxan = ZTE_GPON_ZXAN.encode(position)
        yield integer(f"{mibs.ZTE_ZXAN_OLT_RX_POWER}.{zxan}", _zxan_olt_rx(onu, phase))
        yield octets(f"{mibs.ZTE_ZXAN_ONU_NAME}.{zxan}", name)
        yield octets(f"{mibs.ZTE_ZXAN_ONU_SN}.{zxan}", f"1,{onu.serial_text}")
        yield integer(f"{mibs.ZTE_ZXAN_ONU_STATE}.{zxan}", phase + 1)
        yield integer(f"{mibs.ZTE_ZXAN_ONU_DISTANCE}.{zxan}", onu.distance_m or 0)
        if onu.rx_dbm is not None:
            yield integer(f"{mibs.ZTE_ZXAN_ONU_RX_POWER}.{zxan}", _ani_level(onu.rx_dbm))


def olt_records(olt: SimulatedOlt, onus: list[SimOnu]) -> list[Record]:
    """Every record of ``olt`` for the given ONUs, unsorted."""
    records = system_records(olt)
    records.extend(huawei_records(onus) if olt.vendor == "huawei" else zte_records(onus))
    records.extend(olt.extra_records)
    return records
