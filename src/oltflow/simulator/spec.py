"""What to simulate: OLTs, their size and behaviour, and the fleet that serves them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Vendor = Literal["huawei", "zte"]
VENDORS = ("huawei", "zte")

MAX_SLOTS = 16
MAX_PORTS = 16
MAX_ONUS_PER_PORT = 128


@dataclass(frozen=True)
class SimulatedOlt:
    """One simulated OLT. Its ``name`` is also its SNMP community.

    ``slots`` x ``ports_per_slot`` PON ports carry ``onus_per_port`` ONUs each, numbered from
    slot ``first_slot`` (default: 1, the first service board of both vendors). ``seed`` makes
    the data reproducible. ``delay_s`` delays every answer; ``responsive=False`` serves nothing
    for the community (requests time out). ``churn_epochs`` extra data sets can be switched to
    between walks (``RunningFleet.advance_churn``); in each, about ``churn_rate`` of the ONUs
    are gone and as many new ones appear. ``extra_records`` are raw ``(oid, tag, value)``
    snmprec records added to the data, for tests that need odd objects.
    """

    name: str
    vendor: Vendor = "huawei"
    slots: int = 1
    ports_per_slot: int = 16
    onus_per_port: int = 8
    first_slot: int = 1
    seed: int = 0
    delay_s: float = 0.0
    responsive: bool = True
    churn_epochs: int = 0
    churn_rate: float = 0.05
    extra_records: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.name or not all(c.isalnum() or c in "-_" for c in self.name):
            raise ValueError(f"name {self.name!r} must be letters, digits, '-' or '_'")
        if self.vendor not in VENDORS:
            raise ValueError(f"vendor {self.vendor!r} is not one of {', '.join(VENDORS)}")
        if not 1 <= self.slots <= MAX_SLOTS:
            raise ValueError(f"slots {self.slots} is outside 1..{MAX_SLOTS}")
        if not 1 <= self.ports_per_slot <= MAX_PORTS:
            raise ValueError(f"ports_per_slot {self.ports_per_slot} is outside 1..{MAX_PORTS}")
        if not 0 <= self.onus_per_port <= MAX_ONUS_PER_PORT:
            raise ValueError(
                f"onus_per_port {self.onus_per_port} is outside 0..{MAX_ONUS_PER_PORT}"
            )
        if not 0 <= self.first_slot <= 32:
            raise ValueError(f"first_slot {self.first_slot} is outside 0..32")
        if self.delay_s < 0:
            raise ValueError(f"delay_s {self.delay_s} must not be negative")
        if self.churn_epochs < 0:
            raise ValueError(f"churn_epochs {self.churn_epochs} must not be negative")
        if not 0 <= self.churn_rate <= 0.5:
            raise ValueError(f"churn_rate {self.churn_rate} is outside 0..0.5")

    @property
    def community(self) -> str:
        return self.name

    @property
    def onu_count(self) -> int:
        """ONUs present in the first data set."""
        return self.slots * self.ports_per_slot * self.onus_per_port


@dataclass(frozen=True)
class V3User:
    """The SNMPv3 user the fleet serves (authNoPriv or noAuthNoPriv).

    snmpsim 1.2 cannot serve privacy (authPriv answers fail to decrypt, snmpsim issue 188), so
    SNMPv3 privacy is tested against Net-SNMP (``oltflow.simulator.netsnmp``) instead.
    """

    name: str = "oltflow"
    auth_protocol: Literal["none", "md5", "sha"] = "sha"
    auth_key: str = "oltflow-auth-key"


@dataclass(frozen=True)
class Fleet:
    """Simulated OLTs served by one snmpsim process behind one UDP port on loopback.

    ``port`` 0 picks a free port. The SNMPv3 user answers for the OLT named ``v3_olt``
    (default: the first responsive one) with that OLT's first data set: snmpsim serves SNMPv3
    only for the empty context, from a copy that does not follow churn epochs or the relay's
    community settings (delays and silences do apply).
    """

    olts: tuple[SimulatedOlt, ...]
    host: str = "127.0.0.1"
    port: int = 0
    v3_user: V3User | None = field(default_factory=V3User)
    v3_olt: str | None = None
    max_varbinds: int = 64

    def __post_init__(self) -> None:
        if not self.olts:
            raise ValueError("a fleet needs at least one OLT")
        names = [olt.name for olt in self.olts]
        if len(set(names)) != len(names):
            raise ValueError(f"OLT names must be unique: {names}")
        if not self.host.startswith("127."):
            raise ValueError(f"host {self.host} must be a loopback address (127.0.0.0/8)")
        if self.v3_olt is not None and self.v3_olt not in names:
            raise ValueError(f"v3_olt {self.v3_olt!r} is not one of the OLTs")

    def olt(self, name: str) -> SimulatedOlt:
        for olt in self.olts:
            if olt.name == name:
                return olt
        raise KeyError(name)

    @property
    def v3_olt_name(self) -> str | None:
        if self.v3_user is None:
            return None
        if self.v3_olt is not None:
            return self.v3_olt
        return next((olt.name for olt in self.olts if olt.responsive), None)
