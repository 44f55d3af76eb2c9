"""The vendor OIDs the simulated OLTs answer, with their MIB object names.

Huawei MA5600T/MA5800 (HUAWEI-XPON-MIB, checked against the MIB text, V1.64; all under
``1.3.6.1.4.1.2011.6.128.1.1.2``, indexed by ``ifIndex.hwGponDeviceOntIndex``):

=========== ======================================= =============================================
OID suffix  MIB object                              simulated value
=========== ======================================= =============================================
.43.1.3     hwGponDeviceOntSn                       OCTET STRING (SIZE 8): 4 ASCII letters + 4 bytes
.43.1.7     hwGponDeviceOntLineProfName             line profile name
.43.1.9     hwGponDeviceOntDespt                    description (SIZE 0..128)
.45.1.4     hwGponDeviceOntEquipmentId              ONT model, e.g. EG8145V5
.46.1.1     hwGponDeviceOntControlActive            activate(1): one row per configured ONT
.46.1.15    hwGponDeviceOntControlRunStatus         up(1), down(2)
.46.1.20    hwGponDeviceOntControlRanging           distance in metres, -1 when down
.46.1.24    hwGponDeviceOntControlLastDownCause     1 LOS, 2 LOSi, 3 LOFi, 9 reset, 10 re-register,
                                                    13 dying-gasp
.51.1.3     hwGponOntOpticalDdmTxPower              ONT transmit power, 0.01 dBm
.51.1.4     hwGponOntOpticalDdmRxPower              ONT receive power, 0.01 dBm
.51.1.6     hwGponOntOpticalDdmOltRxOntPower        OLT receive power of this ONT, 0.01 dBm
=========== ======================================= =============================================

Offline ONTs answer 2147483647 ("no reading") for every optical column, as real OLTs do, and
so do a few online ones. ``.51.1.4`` is the ONT's own receive power and ``.51.1.6`` the OLT's
reception of the ONT (the MIB's descriptions settle the question public code disagrees on).
The MIB gives ``.51.1.6`` in 0.01 dBm, but deployed firmware answers it offset by +10000
(public pollers subtract 10000 before dividing by 100); the simulator does the same, so the
catalog needs ``scale`` with factor 0.01 and offset -100 for it.

ZTE C300/C320 (best effort). Two table families number the same PON port differently (see
``oltflow.snmp.index``). ZXGPON-SERVICE-MIB, ``1.3.6.1.4.1.3902.1012.3``, indexed by
``zxGponMgmtPonOltId.zxGponMgmtPonOnuId`` (names checked against the MIB):

=========== ======================================= =============================================
.28.1.1.1   zxGponOntDevMgmtTypeName                ONU type, e.g. ZTE-F660
.28.1.1.2   zxGponOntDevMgmtName                    ONU name
.28.1.1.3   zxGponOntDevMgmtDescription             description
.28.1.1.5   zxGponOntDevMgmtProvisionSn             OCTET STRING (SIZE 8), e.g. ZTEG + 4 bytes
.28.2.1.4   zxGponOntPhaseState                     los(1), working(3), dyinggasp(4), offline(6)
.28.2.1.7   last offline reason (column 7)          1 unknown, 2 LOS, 3 LOSi, 4 LOFi, 9 dying gasp,
                                                    12 reboot (codes 1..13, see the catalog)
.11.4.1.2   zxGponRTDDistance                       distance in metres (0 when offline)
=========== ======================================= =============================================

The ONU's ANI-G optical levels (ZXGPON-ONTMGMT-MIB, ``.50.12.1.1``) have one more index part,
the ANI port: ``<zxGponMgmtPonOltId>.<ONU id>.1``. Public pollers read both columns as
``raw * 0.002 - 30`` dBm (OMCI's 0.002 dB steps) and 65535 as no reading, which captures show
for every offline ONU; the simulator also answers 65535 for online ONUs whose optics do not
report. Pollers treat raw values above 30000 as levels below -30 dBm; the simulated levels
stay at or above -30 dBm, so no such value is served.

============== ==================================== =============================================
.50.12.1.1.10  ANI-G optical signal level           ONU receive power
.50.12.1.1.14  ANI-G transmit optical level         ONU transmit power
============== ==================================== =============================================

Tables under ``1.3.6.1.4.1.3902.1082.500`` (zxAnPon, ZTE-AN-SMI), indexed by the other port
numbering (type 1 and rack 1 in the top byte, then shelf, slot and port bytes) and the ONU id:

=================== ========================================================================
.1.2.4.2.1.2        zxAnPonRxOpticalPower (ZTE-AN-PON-BASE-MIB): the ONU's light as the OLT
                    receives it, 0.001 dBm; 65535000 = N/A (ONU not in service), -80000 = no
                    signal. Offline ONUs whose last session ended in LOS answer -80000, the
                    other offline ones 65535000, as do online ONUs without a reading.
.10.2.3.3.1.2       ONU name (object names below not confirmed; meanings from public pollers)
.10.2.3.3.1.18      serial as text, prefixed "1," (e.g. "1,ZTEGC1E5B3AD")
.10.2.3.8.1.4       phase state: 1 logging, 2 LOS, 3 syncMib, 4 working, 5 dying-gasp, 7 offline
.10.2.3.10.1.2      distance in metres
.20.2.2.2.1.10      ONU receive power, ``raw * 0.002 - 30`` dBm; offline ONUs have no row
=================== ========================================================================

The simulator serves ``.20.2.2.2.1.10`` as ``<ifIndex>.<ONU id>`` and leaves offline ONUs out.
Public captures of C320 and C600 agents show it indexed like ANI-G, ``<ifIndex>.<ONU id>.1``,
with 65535 for offline ONUs; no built-in template reads it, and the polling tests use it in
its present form as a column addressed through another index formula.
"""

from __future__ import annotations

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"

HUAWEI_XPON = "1.3.6.1.4.1.2011.6.128.1.1.2"
HW_ONT_SN = f"{HUAWEI_XPON}.43.1.3"
HW_ONT_LINE_PROFILE = f"{HUAWEI_XPON}.43.1.7"
HW_ONT_DESCRIPTION = f"{HUAWEI_XPON}.43.1.9"
HW_ONT_EQUIPMENT_ID = f"{HUAWEI_XPON}.45.1.4"
HW_ONT_CONTROL_ACTIVE = f"{HUAWEI_XPON}.46.1.1"
HW_ONT_RUN_STATUS = f"{HUAWEI_XPON}.46.1.15"
HW_ONT_RANGING = f"{HUAWEI_XPON}.46.1.20"
HW_ONT_LAST_DOWN_CAUSE = f"{HUAWEI_XPON}.46.1.24"
HW_ONT_TX_POWER = f"{HUAWEI_XPON}.51.1.3"
HW_ONT_RX_POWER = f"{HUAWEI_XPON}.51.1.4"
HW_OLT_RX_ONT_POWER = f"{HUAWEI_XPON}.51.1.6"

#: Huawei's "no reading" for optical levels (offline ONTs).
HW_NO_READING = 2147483647
#: Offset deployed firmware adds to hwGponOntOpticalDdmOltRxOntPower (0.01 dBm units).
HW_OLT_RX_OFFSET = 10000

ZXGPON_SERVICE = "1.3.6.1.4.1.3902.1012.3"
ZTE_ONU_TYPE_NAME = f"{ZXGPON_SERVICE}.28.1.1.1"
ZTE_ONU_NAME = f"{ZXGPON_SERVICE}.28.1.1.2"
ZTE_ONU_DESCRIPTION = f"{ZXGPON_SERVICE}.28.1.1.3"
ZTE_ONU_SN = f"{ZXGPON_SERVICE}.28.1.1.5"
ZTE_ONU_PHASE_STATE = f"{ZXGPON_SERVICE}.28.2.1.4"
ZTE_ONU_LAST_DOWN_CAUSE = f"{ZXGPON_SERVICE}.28.2.1.7"
ZTE_ONU_DISTANCE = f"{ZXGPON_SERVICE}.11.4.1.2"
ZTE_ANI_RX_POWER = f"{ZXGPON_SERVICE}.50.12.1.1.10"
ZTE_ANI_TX_POWER = f"{ZXGPON_SERVICE}.50.12.1.1.14"
#: The ANI port of the ONU's optical rows: the third part of their index.
ZTE_ANI_PORT = 1
#: ZTE's "no reading" for ANI-G optical levels.
ZTE_ANI_NO_READING = 65535

ZTE_ZXAN = "1.3.6.1.4.1.3902.1082.500"
ZTE_ZXAN_OLT_RX_POWER = f"{ZTE_ZXAN}.1.2.4.2.1.2"
#: zxAnPonRxOpticalPower sentinels: ONU not in service, and no light received.
ZTE_ZXAN_NOT_IN_SERVICE = 65535000
ZTE_ZXAN_NO_SIGNAL = -80000
ZTE_ZXAN_ONU_NAME = f"{ZTE_ZXAN}.10.2.3.3.1.2"
ZTE_ZXAN_ONU_SN = f"{ZTE_ZXAN}.10.2.3.3.1.18"
ZTE_ZXAN_ONU_STATE = f"{ZTE_ZXAN}.10.2.3.8.1.4"
ZTE_ZXAN_ONU_DISTANCE = f"{ZTE_ZXAN}.10.2.3.10.1.2"
ZTE_ZXAN_ONU_RX_POWER = f"{ZTE_ZXAN}.20.2.2.2.1.10"
