"""The built-in catalog: what ``oltflow load_catalog`` installs and keeps up to date.

Entries are found again by their natural key (brand name; brand and model name; formula name;
brand, model and numeric OID; function, task template and workflow template names; template
and node key) and updated in place, so loading twice changes nothing.

Every OID names the MIB object it reads in its description, with where the object and its
units were checked. Huawei objects come from HUAWEI-XPON-MIB (V1.64 text). The ZTE OLT-side
optical level comes from the ZTE-AN-PON-BASE-MIB text; the ZXGPON-SERVICE-MIB and
ZXGPON-ONTMGMT-MIB objects (tables under 3902.1012.3) were checked against public captures of
C300/C320 OLTs and operators' code, because the MIB text itself was not available: check them
on your firmware before relying on the enumerations.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from oltflow.snmp.index import PRESETS

HUAWEI = "Huawei"
ZTE = "ZTE"

BRANDS: list[dict[str, Any]] = [
    {"name": HUAWEI, "description": "Huawei SmartAX MA5600T/MA5800 series (HUAWEI-XPON-MIB)."},
    {"name": ZTE, "description": "ZTE ZXA10 C300/C320 (ZXGPON and ZXAN MIB families)."},
]

# Index formulas, one per table family, from the layouts of oltflow.snmp.index.
INDEX_FORMULAS: list[dict[str, Any]] = [
    {
        "name": "huawei-gpon",
        "brand": HUAWEI,
        "description": "Huawei GPON ports: ifIndex 4194304000 + slot*8192 + port*256, ONT id "
        "0..127 after the dot. Frame is always 0.",
    },
    {
        "name": "zte-gpon-zxgpon",
        "brand": ZTE,
        "description": "ZTE tables under 3902.1012 (ZXGPON MIBs): 0x10000000 + slot<<16 + "
        "port<<8, ONU id after the dot; gpon-olt_1/1/1 is 268501248.",
    },
    {
        "name": "zte-gpon-zxan",
        "brand": ZTE,
        "description": "ZTE tables under 3902.1082 (ZXAN MIBs): type 1, rack 1 in the top byte, "
        "then shelf, slot and port bytes; gpon-olt_1/1/1 is 285278465.",
    },
]
for _formula in INDEX_FORMULAS:
    _formula.update(asdict(PRESETS[_formula["name"]]))

OLT_MODELS: list[dict[str, Any]] = [
    {"brand": HUAWEI, "name": "MA5800", "index_formula": "huawei-gpon"},
    {"brand": HUAWEI, "name": "MA5680T", "index_formula": "huawei-gpon"},
    {"brand": HUAWEI, "name": "MA5608T", "index_formula": "huawei-gpon"},
    {"brand": ZTE, "name": "C320", "index_formula": "zte-gpon-zxgpon"},
    {"brand": ZTE, "name": "C300", "index_formula": "zte-gpon-zxgpon"},
]

_HW = "1.3.6.1.4.1.2011.6.128.1.1.2"  # hwXponDeviceControlObjects (HUAWEI-XPON-MIB)
_ZX = "1.3.6.1.4.1.3902.1012.3"  # ZXGPON MIB family of the C300/C320
_ZXAN = "1.3.6.1.4.1.3902.1082.500"  # zxAnPon (ZTE-AN-SMI)

_HUAWEI_POWER = {"factor": 0.01, "unit": "dBm", "no_reading": [2147483647]}
_ZTE_ANI_POWER = {"factor": 0.002, "offset": -30, "unit": "dBm", "no_reading": [65535]}

# Catalog OIDs. model None = every model of the brand answers it.
OIDS: list[dict[str, Any]] = [
    # Huawei, every model.
    {
        "brand": HUAWEI,
        "name": "ONT discovery",
        "oid": f"{_HW}.46.1.1",
        "kind": "discovery",
        "transform": "integer",
        "description": "hwGponDeviceOntControlActive (hwGponDeviceOntControlInfoTable, "
        "INDEX ifIndex, hwGponDeviceOntIndex): one row per configured ONT, walked to list them.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT serial",
        "oid": f"{_HW}.43.1.3",
        "kind": "get",
        "target_field": "serial",
        "transform": "hex_serial",
        "description": "hwGponDeviceOntSn, OCTET STRING (SIZE (8)): 4 vendor letters and 4 "
        "bytes, shown as HWTC0123ABCD.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT description",
        "oid": f"{_HW}.43.1.9",
        "kind": "get",
        "target_field": "description",
        "transform": "text",
        "description": "hwGponDeviceOntDespt, OCTET STRING (SIZE (0..128)).",
    },
    {
        "brand": HUAWEI,
        "name": "ONT line profile",
        "oid": f"{_HW}.43.1.7",
        "kind": "get",
        "target_field": "line_profile",
        "transform": "text",
        "description": "hwGponDeviceOntLineProfName: the line profile (plan) bound to the ONT.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT model",
        "oid": f"{_HW}.45.1.4",
        "kind": "get",
        "target_field": "onu_model",
        "transform": "text",
        "description": "hwGponDeviceOntEquipmentId (hwGponDeviceOntVersionInfoTable), e.g. "
        "HG8245H.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT run status",
        "oid": f"{_HW}.46.1.15",
        "kind": "get",
        "target_field": "run_status",
        "transform": "enum",
        "transform_params": {"map": {"1": "online", "2": "offline", "-1": "unknown"}},
        "description": "hwGponDeviceOntControlRunStatus: up(1), down(2), invalid(-1) = the "
        "query failed.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT distance",
        "oid": f"{_HW}.46.1.20",
        "kind": "get",
        "target_field": "distance",
        "transform": "integer",
        "transform_params": {"unit": "m", "no_reading": [-1]},
        "description": "hwGponDeviceOntControlRanging: the ranging result, in metres; -1 when "
        "the ONT is offline.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT last down cause",
        "oid": f"{_HW}.46.1.24",
        "kind": "get",
        "target_field": "last_down_cause",
        "transform": "enum",
        "transform_params": {
            "map": {
                "1": "LOS",
                "2": "LOSi",
                "3": "LOFi",
                "4": "SFi",
                "5": "LOAi",
                "6": "LOAMi",
                "7": "deactivate ONT failed",
                "8": "deactivated",
                "9": "reset",
                "10": "re-registered",
                "11": "pop-up failed",
                "13": "dying gasp",
                "15": "LOKi",
                "-1": "unknown",
            }
        },
        "description": "hwGponDeviceOntControlLastDownCause, codes as listed in the MIB text "
        "(V1.64); codes of newer firmware pass through as numbers.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT RX power",
        "oid": f"{_HW}.51.1.4",
        "kind": "get",
        "target_field": "rx_power",
        "transform": "scale",
        "transform_params": _HUAWEI_POWER,
        "description": "hwGponOntOpticalDdmRxPower: power the ONT's optical module receives, "
        "unit 0.01 dBm; 2147483647 when the ONT is offline.",
    },
    {
        "brand": HUAWEI,
        "name": "ONT TX power",
        "oid": f"{_HW}.51.1.3",
        "kind": "get",
        "target_field": "tx_power",
        "transform": "scale",
        "transform_params": _HUAWEI_POWER,
        "description": "hwGponOntOpticalDdmTxPower: power the ONT's optical module transmits, "
        "unit 0.01 dBm; 2147483647 when the ONT is offline.",
    },
    {
        "brand": HUAWEI,
        "name": "OLT RX power of ONT",
        "oid": f"{_HW}.51.1.6",
        "kind": "get",
        "target_field": "olt_rx_power",
        "transform": "scale",
        "transform_params": {
            "factor": 0.01,
            "offset": -100,
            "unit": "dBm",
            "no_reading": [2147483647],
        },
        "description": "hwGponOntOpticalDdmOltRxOntPower: the ONT's light as the OLT receives "
        "it. The MIB says unit 0.01 dBm; agents answer it offset by 10000, i.e. "
        "(raw - 10000) / 100 dBm.",
    },
    # ZTE C300/C320, ZXGPON tables (3902.1012).
    {
        "brand": ZTE,
        "name": "ONU discovery",
        "oid": f"{_ZX}.28.1.1.5",
        "kind": "discovery",
        "transform": "hex_serial",
        "description": "zxGponOntDevMgmtProvisionSn (ZXGPON-SERVICE-MIB zxGponOntDevMgmtTable): "
        "one row per configured ONU, <zxGponMgmtPonOltId>.<ONU id>, walked to list them.",
    },
    {
        "brand": ZTE,
        "name": "ONU serial",
        "oid": f"{_ZX}.28.1.1.5",
        "kind": "get",
        "target_field": "serial",
        "transform": "hex_serial",
        "description": "zxGponOntDevMgmtProvisionSn: the provisioned serial, 8 bytes (ZTEG...).",
    },
    {
        "brand": ZTE,
        "name": "ONU name",
        "oid": f"{_ZX}.28.1.1.2",
        "kind": "get",
        "target_field": "name",
        "transform": "text",
        "description": "zxGponOntDevMgmtName: the ONU's name in the CLI configuration.",
    },
    {
        "brand": ZTE,
        "name": "ONU description",
        "oid": f"{_ZX}.28.1.1.3",
        "kind": "get",
        "target_field": "description",
        "transform": "text",
        "description": "zxGponOntDevMgmtDescription: the ONU's description.",
    },
    {
        "brand": ZTE,
        "name": "ONU model",
        "oid": f"{_ZX}.28.1.1.1",
        "kind": "get",
        "target_field": "onu_model",
        "transform": "text",
        "description": "zxGponOntDevMgmtTypeName: the configured ONU type, e.g. ZTE-F660.",
    },
    {
        "brand": ZTE,
        "name": "ONU run status",
        "oid": f"{_ZX}.28.2.1.4",
        "kind": "get",
        "target_field": "run_status",
        "transform": "enum",
        "transform_params": {
            "map": {
                "0": "logging",
                "1": "LOS",
                "2": "syncMib",
                "3": "online",
                "4": "dying gasp",
                "5": "auth failed",
                "6": "offline",
            }
        },
        "description": "zxGponOntPhaseState (zxGponOntStateTable): logging(0), los(1), "
        "syncMib(2), working(3), dyingGasp(4), authFailed(5), offline(6).",
    },
    {
        "brand": ZTE,
        "name": "ONU last down cause",
        "oid": f"{_ZX}.28.2.1.7",
        "kind": "get",
        "target_field": "last_down_cause",
        "transform": "enum",
        "transform_params": {
            "map": {
                "1": "unknown",
                "2": "LOS",
                "3": "LOSi",
                "4": "LOFi",
                "5": "SFi",
                "6": "LOAi",
                "7": "LOAMi",
                "8": "auth failed",
                "9": "dying gasp",
                "10": "deactivated",
                "11": "deactivation failed",
                "12": "reboot",
                "13": "shutdown",
            }
        },
        "description": "Last offline reason, column 7 of zxGponOntStateTable (after the last "
        "online and last offline times): unknown(1), los(2), losi(3), lofi(4), sfi(5), loai(6), "
        "loami(7), authFail(8), dyingGasp(9), deactiveSucc(10), deactiveFail(11), reboot(12), "
        "shutdown(13), as public C300/C320 pollers decode it; other codes pass through as "
        "numbers.",
    },
    {
        "brand": ZTE,
        "name": "ONU distance",
        "oid": f"{_ZX}.11.4.1.2",
        "kind": "get",
        "target_field": "distance",
        "transform": "integer",
        "transform_params": {"unit": "m"},
        "description": "ONU distance column of zxGponRTDTable (round-trip delay), in metres.",
    },
    {
        "brand": ZTE,
        "name": "ONU RX power",
        "oid": f"{_ZX}.50.12.1.1.10",
        "kind": "get",
        "target_field": "rx_power",
        "transform": "scale",
        "transform_params": _ZTE_ANI_POWER,
        "index_suffix": "1",
        "description": "ANI-G optical signal level (ZXGPON-ONTMGMT-MIB, OMCI ANI-G attribute "
        "10), rows <ifIndex>.<ONU id>.<ANI 1>; raw * 0.002 - 30 dBm, 65535 = no reading.",
    },
    {
        "brand": ZTE,
        "name": "ONU TX power",
        "oid": f"{_ZX}.50.12.1.1.14",
        "kind": "get",
        "target_field": "tx_power",
        "transform": "scale",
        "transform_params": _ZTE_ANI_POWER,
        "index_suffix": "1",
        "description": "ANI-G transmit optical level (ZXGPON-ONTMGMT-MIB, OMCI ANI-G attribute "
        "14), rows <ifIndex>.<ONU id>.<ANI 1>; raw * 0.002 - 30 dBm, 65535 = no reading.",
    },
    # ZTE, ZXAN tables (3902.1082): another index family, hence its own formula.
    {
        "brand": ZTE,
        "name": "OLT RX power of ONU",
        "oid": f"{_ZXAN}.1.2.4.2.1.2",
        "kind": "get",
        "target_field": "olt_rx_power",
        "transform": "scale",
        "transform_params": {"factor": 0.001, "unit": "dBm", "no_reading": [65535000, -80000]},
        "index_formula": "zte-gpon-zxan",
        "description": "zxAnPonRxOpticalPower (ZTE-AN-PON-BASE-MIB zxAnPonRxOpticalPowerTable, "
        "INDEX ifIndex, zxAnPonOnuIndex): received optical power on the OLT side from the ONU, "
        "unit 0.001 dBm; 65535000 = N/A, -80000 = no signal.",
    },
]

TASK_FUNCTIONS: list[dict[str, Any]] = [
    {
        "name": "discovery",
        "kind": "discovery",
        "runner": "discovery",
        "description": "Walk the node's OID and record the ONUs it lists.",
    },
    {
        "name": "get",
        "kind": "get",
        "runner": "get",
        "description": "Read the node's OID for every present ONU.",
    },
    {
        "name": "simulate discovery",
        "kind": "discovery",
        "runner": "simulate",
        "description": "Pretend to run a discovery (demos and scheduling benchmarks).",
    },
    {
        "name": "simulate get",
        "kind": "get",
        "runner": "simulate",
        "description": "Pretend to run a get (demos and scheduling benchmarks).",
    },
]

# ``is_default`` and ``enabled`` are set when an entry is created and left alone afterwards:
# they are the operator's to change.
TASK_TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "Discovery",
        "function": "discovery",
        "is_default": True,
        "default_interval_seconds": 180,
        "max_retries": 2,
        "retry_delay_seconds": 30,
        "time_limit_seconds": 300,
    },
    {
        "name": "Get",
        "function": "get",
        "is_default": True,
        "default_interval_seconds": 300,
        "max_retries": 2,
        "retry_delay_seconds": 30,
        "time_limit_seconds": 600,
    },
    {
        "name": "Simulated discovery",
        "function": "simulate discovery",
        "is_default": False,
        "default_interval_seconds": 180,
        "max_retries": 2,
        "retry_delay_seconds": 30,
        "time_limit_seconds": 120,
    },
    {
        "name": "Simulated get",
        "function": "simulate get",
        "is_default": False,
        "default_interval_seconds": 300,
        "max_retries": 2,
        "retry_delay_seconds": 30,
        "time_limit_seconds": 120,
    },
]


def _node(key: str, name: str, brand: str, oid: str, interval: int) -> dict[str, Any]:
    kind = "discovery" if key.startswith("discovery.") else "get"
    return {
        "key": key,
        "name": name,
        "oid": (brand, None, oid, kind),
        "interval_seconds": interval,
    }


def _template_nodes(brand: str, oids: dict[str, str]) -> list[dict[str, Any]]:
    """Discovery every 180 s, run status every 60 s, optical levels every 300 s, the rest hourly."""
    return [
        _node("discovery.onus", "Discover ONUs", brand, oids["discovery"], 180),
        _node("status.run", "Run status", brand, oids["run_status"], 60),
        _node("optical.rx", "RX power", brand, oids["rx_power"], 300),
        _node("optical.tx", "TX power", brand, oids["tx_power"], 300),
        _node("optical.olt_rx", "OLT RX power", brand, oids["olt_rx_power"], 300),
        _node("info.serial", "Serial number", brand, oids["serial"], 3600),
        _node("info.description", "Description", brand, oids["description"], 3600),
        _node("info.model", "ONU model", brand, oids["onu_model"], 3600),
        _node("info.distance", "Distance", brand, oids["distance"], 3600),
        _node("status.last_down_cause", "Last down cause", brand, oids["last_down_cause"], 3600),
    ]


def _oids_of(brand: str) -> dict[str, str]:
    """The OID of each target field of ``brand``, and of its discovery."""
    found = {}
    for entry in OIDS:
        if entry["brand"] == brand:
            found[entry.get("target_field") or entry["kind"]] = entry["oid"]
    return found


WORKFLOW_TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "Huawei GPON",
        "description": "ONT discovery, status, optical levels and inventory for Huawei OLTs.",
        "nodes": _template_nodes(HUAWEI, _oids_of(HUAWEI)),
    },
    {
        "name": "ZTE GPON",
        "description": "ONU discovery, status, optical levels and inventory for ZTE C300/C320.",
        "nodes": _template_nodes(ZTE, _oids_of(ZTE)),
    },
]
