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
.11.4.1.2   zxGponRTDDistance                       distance in metres
=========== ======================================= =============================================

Tables under ``1.3.6.1.4.1.3902.1082.500`` (object names not confirmed; meanings from public
pollers run against C320s), indexed by the other port numbering and the ONU id:

=================== ========================================================================
.10.2.3.3.1.2       ONU name
.10.2.3.3.1.18      serial as text, prefixed "1," (e.g. "1,ZTEGC1E5B3AD")
.10.2.3.8.1.4       phase state: 1 logging, 2 LOS, 3 syncMib, 4 working, 5 dying-gasp, 7 offline
.10.2.3.10.1.2      distance in metres
.20.2.2.2.1.10      ONU receive power, ``raw * 0.002 - 30`` dBm; offline ONUs have no row
=================== ========================================================================
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
ZTE_ONU_DISTANCE = f"{ZXGPON_SERVICE}.11.4.1.2"

ZTE_ZXAN = "1.3.6.1.4.1.3902.1082.500"
ZTE_ZXAN_ONU_NAME = f"{ZTE_ZXAN}.10.2.3.3.1.2"
ZTE_ZXAN_ONU_SN = f"{ZTE_ZXAN}.10.2.3.3.1.18"
ZTE_ZXAN_ONU_STATE = f"{ZTE_ZXAN}.10.2.3.8.1.4"
ZTE_ZXAN_ONU_DISTANCE = f"{ZTE_ZXAN}.10.2.3.10.1.2"
ZTE_ZXAN_ONU_RX_POWER = f"{ZTE_ZXAN}.20.2.2.2.1.10"
