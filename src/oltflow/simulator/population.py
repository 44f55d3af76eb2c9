"""The ONUs of a simulated OLT: who is where, and what each one reports.

Everything derives from ``(seed, OLT name, position)`` through a hash, so an ONU keeps its
serial and readings across churn epochs and across runs; only its presence changes with the
epoch.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

from oltflow.simulator.spec import MAX_ONUS_PER_PORT, SimulatedOlt

_HUAWEI_MODELS = ("EG8145V5", "HG8245H", "HG8546M", "EG8141A5", "HG8310M")
_ZTE_MODELS = ("ZTE-F660", "ZTE-F670L", "ZTE-F601", "ZTE-F609")
_STREETS = ("Av. Libertad", "Calle Sol", "Jr. Union", "Calle Mayor", "Av. Grau", "Pasaje Norte")
_ACCENTED = ("Peña", "Núñez", "Muñoz", "Gómez")
_PROFILES = ("LP-100M", "LP-300M", "LP-600M", "LP-1G")
# Last down causes in each vendor's codes, and how often each ends an ONU's last session;
# the two tables pair up row by row (power cut, fibre problems, framing, restart, other).
# Huawei hwGponDeviceOntControlLastDownCause: dying-gasp(13), LOSi(2), LOS(1), LOFi(3),
# reset(9), re-registered(10).
_HUAWEI_DOWN_CAUSES = ((13, 45), (2, 25), (1, 15), (3, 5), (9, 5), (10, 5))
# ZTE last offline reason (zxGponOntStateTable column 7): dyingGasp(9), losi(3), los(2),
# lofi(4), reboot(12), unknown(1).
_ZTE_DOWN_CAUSES = ((9, 45), (3, 25), (2, 15), (4, 5), (12, 5), (1, 5))


@dataclass(frozen=True)
class SimOnu:
    """One simulated ONU and the readings it reports (``None`` = no reading).

    ``last_down_cause`` is in the vendor's own codes (see ``oltflow.simulator.mibs``).
    """

    frame: int
    slot: int
    port: int
    onu_id: int
    serial: bytes
    description: str
    model: str
    line_profile: str
    online: bool
    rx_dbm: float | None
    tx_dbm: float | None
    olt_rx_dbm: float | None
    distance_m: int | None
    last_down_cause: int

    @property
    def serial_text(self) -> str:
        """The serial as operators write it: vendor letters and 8 hex digits."""
        return self.serial[:4].decode("ascii") + self.serial[4:].hex().upper()


def _unit(*parts: object) -> float:
    """A uniform number in [0, 1) determined by ``parts``."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _rng(*parts: object) -> random.Random:
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def first_onu_id(olt: SimulatedOlt) -> int:
    """Huawei numbers ONTs from 0 on each port, ZTE from 1."""
    return 0 if olt.vendor == "huawei" else 1


def _make_onu(olt: SimulatedOlt, slot: int, port: int, onu_id: int) -> SimOnu:
    rng = _rng(olt.seed, olt.name, slot, port, onu_id)
    huawei = olt.vendor == "huawei"
    vendor_id = b"HWTC" if huawei else b"ZTEG"
    if rng.random() < 0.04:
        vendor_id = rng.choice((b"ALCL", b"FHTT", b"ZTEG" if huawei else b"HWTC"))
    serial = vendor_id + rng.getrandbits(32).to_bytes(4, "big")
    customer = rng.randrange(1, 999_999)
    street = rng.choice(_STREETS)
    description = f"CUST-{customer:06d} {street} {rng.randrange(1, 3000)}"
    if rng.random() < 0.02:
        description += f" {rng.choice(_ACCENTED)}"
    online = rng.random() < 0.93
    cause = _weighted(rng, _HUAWEI_DOWN_CAUSES if huawei else _ZTE_DOWN_CAUSES)
    rx = tx = olt_rx = None
    distance = None
    if online:
        distance = int(rng.uniform(150, 20_000))
        # Attenuation grows with distance; splitters add most of it.
        loss = 14.0 + distance / 1000 * 0.35 + rng.gauss(3.0, 1.8)
        rx = round(max(-30.0, min(-8.0, 3.0 - loss)), 2)
        tx = round(rng.gauss(2.3, 0.35), 2)
        olt_rx = round(max(-32.0, min(-10.0, tx - loss - rng.gauss(0.5, 0.4))), 2)
        if rng.random() < 0.005:
            rx = tx = olt_rx = None  # an online ONT whose optics do not report
    return SimOnu(
        frame=0 if huawei else 1,
        slot=slot,
        port=port,
        onu_id=onu_id,
        serial=serial,
        description=description,
        model=rng.choice(_HUAWEI_MODELS if huawei else _ZTE_MODELS),
        line_profile=rng.choice(_PROFILES),
        online=online,
        rx_dbm=rx,
        tx_dbm=tx,
        olt_rx_dbm=olt_rx,
        distance_m=distance,
        last_down_cause=cause,
    )


def _weighted(rng: random.Random, choices: tuple[tuple[int, int], ...]) -> int:
    total = sum(weight for _, weight in choices)
    pick = rng.uniform(0, total)
    for value, weight in choices:
        pick -= weight
        if pick <= 0:
            return value
    return choices[-1][0]


def _present(olt: SimulatedOlt, slot: int, port: int, onu_id: int, epoch: int) -> bool:
    start = first_onu_id(olt)
    regular = onu_id < start + olt.onus_per_port
    if epoch == 0:
        return regular
    draw = _unit(olt.seed, olt.name, slot, port, onu_id, "epoch", epoch)
    if regular:
        return draw >= olt.churn_rate
    # Newcomers: present with a probability that keeps the port's count about level.
    return draw < 0.5


def onus(olt: SimulatedOlt, epoch: int = 0) -> list[SimOnu]:
    """The ONUs ``olt`` reports in churn ``epoch``, ordered by slot, port and ONU id."""
    start = first_onu_id(olt)
    max_id = MAX_ONUS_PER_PORT - 1 + start
    newcomers = math.ceil(olt.onus_per_port * olt.churn_rate * 2) if epoch else 0
    last_id = min(max_id, start + olt.onus_per_port + newcomers - 1)
    result = []
    for slot in range(olt.first_slot, olt.first_slot + olt.slots):
        for port in range(1, olt.ports_per_slot + 1):
            port_number = port - 1 if olt.vendor == "huawei" else port
            for onu_id in range(start, last_id + 1):
                if _present(olt, slot, port_number, onu_id, epoch):
                    result.append(_make_onu(olt, slot, port_number, onu_id))
    return result
